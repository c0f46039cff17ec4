#include "bulk_data.h"

#include <algorithm>
#include <array>
#include <numeric>

namespace banner::synthetic {
namespace {

constexpr uint32_t kMaxPlannedX = 40;
constexpr uint64_t kMinExtraBanners = 10, kMaxExtraBanners = 44;
constexpr uint64_t kMaxBanners = kMaxPlannedX + kMaxExtraBanners;
// Offsets of the two power laws: the busiest campaign has about 1.6% of the
// traffic among 5,000, the busiest banner about 15% of its campaign's among 40.
constexpr uint64_t kCampaignRankOffset = 10;
constexpr uint64_t kBannerIndexOffset = 2;
constexpr uint64_t kWeightUnit = uint64_t{1} << 32;

__extension__ typedef unsigned __int128 U128;

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
      return static_cast<uint32_t>(rng.Between(12, kMaxPlannedX));
  }
}

// [i]: the weight of banner indices 0..i-1, in integers so that the output
// does not depend on floating point.
const std::array<uint64_t, kMaxBanners + 1>& BannerCumulativeWeights() {
  static const std::array<uint64_t, kMaxBanners + 1> weights = [] {
    std::array<uint64_t, kMaxBanners + 1> w{};
    for (uint64_t i = 0; i < kMaxBanners; ++i) w[i + 1] = w[i] + kWeightUnit / (i + kBannerIndexOffset);
    return w;
  }();
  return weights;
}

// The index i with cumulative[i] <= draw < cumulative[i + 1].
// REQUIRES: draw < cumulative.back(), cumulative ascending from 0.
template <typename It>
uint64_t Bucket(It begin, It end, uint64_t draw) {
  return static_cast<uint64_t>(std::upper_bound(begin, end, draw) - begin) - 1;
}

}  // namespace

BulkPlan::BulkPlan(Quarter& q, uint32_t count) {
  Rng& rng = q.rng();
  campaigns_.reserve(count);
  for (uint32_t k = 0; k < count; ++k) {
    BulkCampaign c;
    c.campaign_id = 10'000 + k;
    c.planned_x = RandomPlannedX(rng);
    c.banner_count = c.planned_x + rng.Between(kMinExtraBanners, kMaxExtraBanners);
    c.first_banner = q.NewBannerRange(c.banner_count);
    c.step = rng.Between(1, c.banner_count);
    while (std::gcd(c.step, c.banner_count) != 1) --c.step;
    c.offset = rng.Below(c.banner_count);
    campaigns_.push_back(c);
  }
  std::vector<uint64_t> rank(count);
  std::iota(rank.begin(), rank.end(), uint64_t{0});
  rng.Shuffle(rank);
  cumulative_weight_.assign(count + 1, 0);
  for (uint32_t k = 0; k < count; ++k) {
    cumulative_weight_[k + 1] = cumulative_weight_[k] + kWeightUnit / (rank[k] + kCampaignRankOffset);
  }
}

std::vector<ManifestLine> BulkPlan::ManifestLines() const {
  std::vector<ManifestLine> lines;
  for (const BulkCampaign& c : campaigns_) lines.push_back({c.campaign_id, c.planned_x, "bulk"});
  return lines;
}

void BulkPlan::AppendSeedEvents(uint32_t campaign, Rng& rng, std::vector<BulkEvent>* events) const {
  const BulkCampaign& c = campaigns_[campaign];
  for (uint64_t index = 0; index < c.banner_count; ++index) {
    const bool has_impression = rng.Below(10) != 0;
    if (has_impression) events->push_back({campaign, EventKind::kImpression, index});
    if (c.Converted(index)) {
      events->push_back({campaign, EventKind::kConvertedClick, index});
    } else if (!has_impression) {
      events->push_back({campaign, EventKind::kClick, index});
    }
  }
}

BulkEvent BulkPlan::RandomEvent(uint32_t campaign, Rng& rng) const {
  const BulkCampaign& c = campaigns_[campaign];
  const auto& weights = BannerCumulativeWeights();
  const uint64_t banner =
      Bucket(weights.begin(), weights.begin() + c.banner_count + 1, rng.Below(weights[c.banner_count]));
  const uint64_t roll = rng.Below(1000);
  EventKind kind = EventKind::kRepeatConversion;
  if (roll < 640) {
    kind = EventKind::kImpression;
  } else if (roll < 985) {
    kind = c.Converted(banner) && rng.Percent(35) ? EventKind::kConvertedClick : EventKind::kClick;
  } else if (roll < 995) {
    kind = EventKind::kRepeatClick;
  }
  return {campaign, kind, banner};
}

uint32_t BulkPlan::RandomCampaign(Rng& rng) const {
  return static_cast<uint32_t>(
      Bucket(cumulative_weight_.begin(), cumulative_weight_.end(), rng.Below(cumulative_weight_.back())));
}

uint64_t BulkPlan::PortionBefore(uint32_t end, uint64_t total) const {
  return static_cast<uint64_t>(static_cast<U128>(total) * cumulative_weight_[end] / cumulative_weight_.back());
}

}  // namespace banner::synthetic
