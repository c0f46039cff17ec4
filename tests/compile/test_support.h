// Helpers shared by the core tests: a deliberately naive reference model of
// SPEC sections 2-3 to check the compiler against. Scratch folders and files
// come from tests/common (included here, as every core test uses them).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/files.h"
#include "common/temp_dir.h"
#include "compiler.h"

namespace banner::test {

// Compiles `dir` with the given options (input_dir is set); REQUIREs success.
CompileResult CompileOk(const std::string& dir, CompileOptions options = {});

// One list as plain values, for comparisons.
struct SimpleList {
  uint32_t x;
  Rule rule;
  std::vector<uint64_t> banner_ids;
  bool operator==(const SimpleList&) const = default;
};
using QuarterCampaign = std::pair<int, uint64_t>;
std::map<QuarterCampaign, SimpleList> Lists(const CompileResult& result);

// The reference model: std::map, one file at a time, first occurrence wins.
// Returns, per (quarter, campaign), X, the rule and the banners the rules
// fix (random fill excluded: `banner_ids` holds only the deterministic part)
// plus the size the full list must have.
struct ExpectedList {
  uint32_t x;
  Rule rule;
  std::vector<uint64_t> fixed_banners;  // in rank order
  size_t size;                          // including random fill
  std::vector<uint64_t> fill_pool;      // banners the random fill may draw from
};
std::map<QuarterCampaign, ExpectedList> ReferenceModel(const std::string& dir);

}  // namespace banner::test
