// The index file of a compile: its bytes from a CompileResult, and the
// previous one read back for an incremental build (carry_over.h).
#pragma once

#include <memory>
#include <string>

#include "compiler.h"
#include "index_reader.h"
#include "status.h"

namespace banner {

// The index image for `result` (format: index_format.md): every input's
// record in path order, then every list in (quarter, campaign) order.
std::string EncodeIndex(const CompileResult& result, uint64_t seed);

// The index at `path` for CompileOptions::previous. Null when there is none
// (*note empty: a first build) or it cannot be used (*note says why, e.g. a
// corrupt file: the build then compiles every quarter).
std::unique_ptr<IndexReader> OpenPreviousIndex(const std::string& path, std::string* note);

}  // namespace banner
