#include "bulk_data.h"

#include <algorithm>
#include <numeric>

namespace banner::synthetic {
namespace {

uint32_t RandomPlannedX(Rng& rng) {
  switch (rng.Below(10)) {
    case 0:
    case 1:
    case 2:
      return static_cast<uint32_t>(rng.Below(5));
    case 3:
    case 4:
    case 5:
      return static_cast<uint32_t>(rng.Between(5, 11));
    default:
      return static_cast<uint32_t>(rng.Between(12, 40));
  }
}

// Exactly planned_x of the campaign's banners get conversions; then random
// impressions, clicks (skewed towards a few banners), conversions of clicks
// on converted banners and exact duplicate rows are added until the
// quarter's byte count reaches byte_target.
void WriteBulkCampaign(Quarter& q, uint64_t campaign_id, uint32_t planned_x, uint64_t byte_target) {
  Rng& rng = q.rng();
  const uint64_t banner_count = planned_x + rng.Between(planned_x == 0 ? 1 : 0, 30);
  const uint64_t first_banner = q.NewBannerRange(banner_count);
  // Converted banners are scattered by an affine permutation of the indices.
  uint64_t step = rng.Between(1, banner_count);
  while (std::gcd(step, banner_count) != 1) --step;
  const uint64_t offset = rng.Below(banner_count);
  auto converted = [&](uint64_t index) {
    return (step * index + offset) % banner_count < planned_x;
  };

  uint64_t last_click[2] = {0, 0};          // click_id, banner_id
  uint64_t last_conversion[3] = {0, 0, 0};  // conversion_id, click_id, micros
  auto click = [&](uint64_t index, bool with_conversion) {
    last_click[0] = q.NewClick();
    last_click[1] = first_banner + index;
    q.AnyBatch(kClicks).Row(last_click[0], last_click[1], campaign_id);
    if (with_conversion) {
      last_conversion[0] = q.NewConversion();
      last_conversion[1] = last_click[0];
      last_conversion[2] = RandomRevenue(rng);
      q.AnyBatch(kConversions).Row(last_conversion[0], last_conversion[1], last_conversion[2]);
    }
  };

  for (uint64_t index = 0; index < banner_count; ++index) {
    const bool has_impression = rng.Below(10) != 0;
    if (has_impression) q.AnyBatch(kImpressions).Row(first_banner + index, campaign_id);
    if (converted(index)) {
      click(index, true);
    } else if (!has_impression) {
      click(index, false);
    }
  }
  while (q.bytes().plain < byte_target) {
    const uint64_t roll = rng.Below(100);
    // The smaller of two draws: low indices get most of the traffic.
    const uint64_t draw = rng.Below(banner_count);
    const uint64_t index = std::min(draw, rng.Below(banner_count));
    if (roll < 55) {
      q.AnyBatch(kImpressions).Row(first_banner + index, campaign_id);
    } else if (roll < 95) {
      click(index, converted(index) && rng.Percent(35));
    } else if (roll < 98) {
      if (last_click[0] != 0) q.AnyBatch(kClicks).Row(last_click[0], last_click[1], campaign_id);
    } else if (last_conversion[0] != 0) {
      q.AnyBatch(kConversions).Row(last_conversion[0], last_conversion[1], last_conversion[2]);
    }
  }
}

}  // namespace

void WriteBulkCampaigns(Quarter& quarter, uint32_t campaigns, uint64_t quarter_bytes,
                        std::vector<ManifestLine>* lines) {
  const uint64_t before_bulk = quarter.bytes().plain;
  const uint64_t bulk_bytes = quarter_bytes > before_bulk ? quarter_bytes - before_bulk : 0;
  for (uint32_t k = 0; k < campaigns; ++k) {
    const uint64_t campaign_id = 10'000 + k;
    const uint32_t planned_x = RandomPlannedX(quarter.rng());
    WriteBulkCampaign(quarter, campaign_id, planned_x,
                      before_bulk + bulk_bytes * (k + 1) / campaigns);
    lines->push_back({campaign_id, planned_x, "bulk"});
  }
}

}  // namespace banner::synthetic
