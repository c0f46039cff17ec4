// Incremental builds: carrying quarters over from the previous index.
//
// Each quarter is compiled from its own files only (SPEC section 2), so a
// quarter whose files are exactly those the previous index was built from —
// the same paths with the same content hashes (its provenance records) —
// would be compiled to the same lists and the same row counts. Such a quarter
// is carried over: its lists and input records are read from the previous
// index instead of its CSVs being parsed again, and the index written is
// byte-identical to a full build's. What else must hold for that:
//  - the same index format version and the same seed (the random fill);
//  - the previous build's rejected rows must not be needed: when the caller
//    wants every rejected row (--rejects), a quarter that had any is
//    recompiled, so that its rows reach the rejects file; and when
//    unparseable rows fail the build (no --rejects), a quarter whose
//    previous build set such rows aside (InputRecord::unparseable_rows) is
//    recompiled, so that it fails as a full build would.
// Kinds, quarters, duplicate files and path order follow from the paths and
// contents, so they match when those do.
//
// Pure functions; the previous index must outlive what they return.
#pragma once

#include <array>
#include <vector>

#include "index_format.h"
#include "index_reader.h"
#include "input_files.h"
#include "quarter_tables.h"

namespace banner {

struct CarryOverPlan {
  std::array<bool, kQuarters> quarters{};  // quarter q is carried over: [q - 1]
  // Parallel to the inputs: the previous record of an input whose quarter is
  // carried over, else null.
  std::vector<const InputRecord*> records;
};

// Which quarters of `inputs` (in path order, hashed) can be carried over
// from `previous`. `rejects_wanted`: every rejected row must be reported;
// `unparseable_fails`: an unparseable row fails the build. A quarter without
// inputs is never carried over (there is nothing to compile).
CarryOverPlan PlanCarryOver(const std::vector<InputFile>& inputs, const IndexReader& previous, uint64_t seed,
                            bool rejects_wanted, bool unparseable_fails);

// Quarter q's lists in `previous`, as Compile returns them.
std::vector<CampaignResult> CarriedLists(const IndexReader& previous, int quarter);

}  // namespace banner
