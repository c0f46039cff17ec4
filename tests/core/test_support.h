// Helpers shared by the core tests: scratch directories, files, and a
// deliberately naive reference model of SPEC sections 2-3 to check the
// compiler against.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/compiler.h"

namespace banner::test {

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return (path_ / rel).string(); }

 private:
  std::filesystem::path path_;
};

void WriteFile(const std::string& path, const std::string& bytes);
std::string ReadFile(const std::string& path);

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
