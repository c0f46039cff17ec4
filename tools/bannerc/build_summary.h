// The end-of-build summary a person reads at a glance: per file rows read,
// kept, duplicated and rejected; skipped duplicate files; the first rejected
// rows; per quarter the campaigns under each rule; time and throughput.
#pragma once

#include <string>

#include "compiler.h"

namespace banner {

std::string FormatBuildSummary(const CompileResult& result, double seconds);

}  // namespace banner
