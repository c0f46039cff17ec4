// The rows of the input tables (SPEC section 2) as the compiler carries them
// from the CSV reader to the quarter tables: plain values, parsed and checked.
#pragma once

#include <cstdint>
#include <string>

#include "mix.h"

namespace banner {

// An impression row, and the key of a campaign's banner everywhere after.
struct CampaignBanner {
  uint64_t campaign_id;
  uint64_t banner_id;
  bool operator==(const CampaignBanner&) const = default;
};
struct CampaignBannerTraits {
  static CampaignBanner Empty() { return {~uint64_t{0}, ~uint64_t{0}}; }
  static uint64_t Hash(const CampaignBanner& p) {
    return MixBits(p.campaign_id * kGoldenGamma ^ p.banner_id);
  }
};
struct ClickRow {
  uint64_t click_id, banner_id, campaign_id, line;
};
struct ConversionRow {
  uint64_t conversion_id, click_id, revenue_micros, line;
};
// A row that is rejected, with its reason.
struct BadRow {
  uint64_t line;
  std::string reason;
  std::string text;  // the original line
};

}  // namespace banner
