// The business rules of SPEC section 3: from one campaign's per-banner totals
// in one quarter to its ranked list. Pure and deterministic: the result
// depends only on the set of totals (not their order), the seed, the quarter
// and the campaign id.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "index_format.h"

namespace banner {

struct BannerTotals {
  uint64_t banner_id = 0;
  uint64_t clicks = 0;       // distinct clicks
  uint64_t conversions = 0;  // distinct, attributed conversions
  Micros revenue = 0;
};

struct RankedList {
  uint32_t x = 0;  // banners with at least one conversion
  Rule rule = Rule::kTopByClicks;
  std::vector<BannerStats> banners;  // rank order, 1..10 entries
};

// REQUIRES: `banners` non-empty, unique by banner_id (the campaign's U).
RankedList RankCampaign(std::span<const BannerTotals> banners, uint64_t seed, int quarter,
                        uint64_t campaign_id);

}  // namespace banner
