// What a build reports. The summary, read at a glance (stdout, not with -q):
// per file rows read, kept, duplicated and rejected; skipped duplicate files;
// the quarters carried over from the previous index; per quarter the
// campaigns under each rule; time and throughput. The diagnosis (stderr,
// always): how many rows were rejected and the first of them as
// file:line: reason.
#pragma once

#include <string>

#include "compiler.h"

namespace banner {

std::string FormatBuildSummary(const CompileResult& result, double seconds);
// "" when no row was rejected.
std::string FormatRejectedRows(const CompileResult& result);

}  // namespace banner
