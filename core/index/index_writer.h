// IndexWriter: builds the bytes of one index file (format: index_format.md).
//
// Single use: AddInput()/AddList() in order, then Finish() once. Lists must be
// added in ascending (quarter, campaign_id) order, each with 1..10 banners in
// rank order; violations are programming errors (assert).
// Not thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "index_format.h"

namespace banner {

class IndexWriter {
 public:
  explicit IndexWriter(uint64_t seed);

  void AddInput(const InputRecord& input);
  void AddList(int quarter, uint64_t campaign_id, uint32_t x, Rule rule,
               std::span<const BannerStats> banners);
  // The complete file image, checksum included.
  std::string Finish();

 private:
  uint64_t seed_;
  uint32_t quarter_count_[kQuarters] = {};
  int last_quarter_ = 0;
  uint64_t last_campaign_ = 0;
  uint32_t campaign_count_ = 0;
  uint32_t banner_count_ = 0;
  uint32_t input_count_ = 0;
  std::string campaigns_;
  std::string banners_;
  std::string inputs_;
  bool finished_ = false;
};

}  // namespace banner
