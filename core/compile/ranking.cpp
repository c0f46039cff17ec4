#include "ranking.h"

#include <algorithm>
#include <cassert>

#include "mix.h"

namespace banner {
namespace {

constexpr size_t kFillTarget = 5;

bool ByRevenue(const BannerTotals& a, const BannerTotals& b) {
  if (a.revenue != b.revenue) return a.revenue > b.revenue;
  if (a.clicks != b.clicks) return a.clicks > b.clicks;
  return a.banner_id < b.banner_id;
}

bool ByClicks(const BannerTotals& a, const BannerTotals& b) {
  if (a.clicks != b.clicks) return a.clicks > b.clicks;
  if (a.revenue != b.revenue) return a.revenue > b.revenue;
  return a.banner_id < b.banner_id;
}

BannerStats ToStats(const BannerTotals& t) { return {t.banner_id, t.clicks, t.revenue}; }

}  // namespace

RankedList RankCampaign(std::span<const BannerTotals> banners, uint64_t seed, int quarter,
                        uint64_t campaign_id) {
  assert(!banners.empty());
  std::vector<BannerTotals> converted, clicked, rest;
  for (const BannerTotals& b : banners) {
    if (b.conversions > 0) {
      converted.push_back(b);
    } else if (b.clicks > 0) {
      clicked.push_back(b);
    } else {
      rest.push_back(b);
    }
  }
  std::sort(converted.begin(), converted.end(), ByRevenue);

  RankedList out;
  out.x = static_cast<uint32_t>(converted.size());
  if (out.x >= kMaxListLength) {
    out.rule = Rule::kTop10ByRevenue;
    converted.resize(kMaxListLength);
  } else if (out.x >= 5) {
    out.rule = Rule::kAllConvertedByRevenue;
  } else {
    out.rule = out.x >= 1 ? Rule::kConvertedThenClicks : Rule::kTopByClicks;
  }
  for (const BannerTotals& b : converted) out.banners.push_back(ToStats(b));
  if (out.x >= 5) return out;

  // Fill to five: clicked banners by clicks, then a seeded random pick among
  // the banners without clicks, drawn from a canonical (id-sorted) order.
  std::sort(clicked.begin(), clicked.end(), ByClicks);
  for (const BannerTotals& b : clicked) {
    if (out.banners.size() == kFillTarget) return out;
    out.banners.push_back(ToStats(b));
  }
  std::sort(rest.begin(), rest.end(),
            [](const BannerTotals& a, const BannerTotals& b) { return a.banner_id < b.banner_id; });
  uint64_t state = MixBits(seed ^ MixBits(campaign_id ^ MixBits(static_cast<uint64_t>(quarter))));
  for (size_t i = 0; i < rest.size() && out.banners.size() < kFillTarget; ++i) {
    state = MixBits(state + kGoldenGamma);
    const size_t j = i + static_cast<size_t>(state % (rest.size() - i));
    std::swap(rest[i], rest[j]);
    out.banners.push_back(ToStats(rest[i]));
  }
  return out;
}

}  // namespace banner
