#include "edge_cases.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <utility>

namespace banner::synthetic {
namespace {

struct BannerPlan {
  uint32_t impressions = 0;
  uint32_t clicks = 0;
  // One conversion per entry, on the banner's clicks in turn.
  // REQUIRES: clicks > 0 when not empty.
  std::vector<uint64_t> revenues;
};

struct EmittedBanner {
  uint64_t banner_id;
  std::vector<uint64_t> clicks;
  std::vector<uint64_t> conversions;
  std::vector<uint64_t> revenues;  // of each conversion
};

struct Campaign {
  std::vector<EmittedBanner> banners;
  uint32_t converted = 0;  // banners with a conversion: X, before any extras
};

class EdgeCaseWriter {
 public:
  explicit EdgeCaseWriter(Quarter& quarter) : quarter_(quarter), rng_(quarter.rng()) {}

  Rng& rng() { return rng_; }
  Quarter& quarter() { return quarter_; }

  // New banner ids in random order, so file order says nothing about id
  // order (ties broken by banner_id must really be sorted).
  std::vector<uint64_t> NewBannerIds(size_t count) {
    std::vector<uint64_t> ids(count);
    for (uint64_t& id : ids) id = quarter_.NewBanner();
    rng_.Shuffle(ids);
    return ids;
  }

  Campaign Emit(uint64_t campaign_id, const std::vector<BannerPlan>& plans) {
    return Emit(campaign_id, plans, NewBannerIds(plans.size()), false);
  }

  // Plants the plans in the first batch files. REQUIRES: one id per plan.
  Campaign Emit(uint64_t campaign_id, const std::vector<BannerPlan>& plans,
                const std::vector<uint64_t>& banner_ids, bool large_ids) {
    Campaign campaign;
    for (size_t i = 0; i < plans.size(); ++i) {
      const BannerPlan& plan = plans[i];
      EmittedBanner banner{banner_ids[i], {}, {}, plan.revenues};
      for (uint32_t n = 0; n < plan.impressions; ++n) {
        quarter_.First(kImpressions).Row(banner.banner_id, campaign_id);
      }
      for (uint32_t n = 0; n < plan.clicks; ++n) {
        banner.clicks.push_back(large_ids ? quarter_.NewLargeClick() : quarter_.NewClick());
        quarter_.First(kClicks).Row(banner.clicks.back(), banner.banner_id, campaign_id);
      }
      for (size_t n = 0; n < plan.revenues.size(); ++n) {
        banner.conversions.push_back(large_ids ? quarter_.NewLargeConversion()
                                               : quarter_.NewConversion());
        quarter_.First(kConversions)
            .Row(banner.conversions.back(), banner.clicks[n % banner.clicks.size()],
                 plan.revenues[n]);
      }
      if (!plan.revenues.empty()) ++campaign.converted;
      campaign.banners.push_back(std::move(banner));
    }
    return campaign;
  }

  // Random banners: some converted, some clicked only, some only in
  // impressions. About a third of the clicked ones have no impression, so
  // they are known from clicks alone.
  std::vector<BannerPlan> Mixed(int converted, int clicked, int impressions_only) {
    std::vector<BannerPlan> plans;
    for (int i = 0; i < converted; ++i) {
      BannerPlan plan{Impressions(), static_cast<uint32_t>(rng_.Between(1, 6)), {}};
      const uint64_t conversions = rng_.Between(1, std::min<uint64_t>(plan.clicks, 3));
      for (uint64_t n = 0; n < conversions; ++n) plan.revenues.push_back(RandomRevenue(rng_));
      plans.push_back(std::move(plan));
    }
    for (int i = 0; i < clicked; ++i) {
      plans.push_back({Impressions(), static_cast<uint32_t>(rng_.Between(1, 8)), {}});
    }
    for (int i = 0; i < impressions_only; ++i) {
      plans.push_back({static_cast<uint32_t>(rng_.Between(1, 3)), 0, {}});
    }
    return plans;
  }

  // Left by cases emitted earlier in this quarter for the cases that point
  // at them: x0_top_clicks's campaign id and x10's banner ids.
  uint64_t x0_campaign = 0;
  std::vector<uint64_t> x10_banners;

 private:
  uint32_t Impressions() {
    return rng_.Below(3) == 0 ? 0 : static_cast<uint32_t>(rng_.Between(1, 4));
  }

  Quarter& quarter_;
  Rng& rng_;
};

// Each edge case writes one campaign and returns its planned X.
using EdgeCaseFn = uint32_t (*)(EdgeCaseWriter&, uint64_t campaign_id);

struct EdgeCase {
  const char* name;
  EdgeCaseFn emit;
};

uint32_t Plain(EdgeCaseWriter& w, uint64_t id, int converted, int clicked, int impressions_only) {
  return w.Emit(id, w.Mixed(converted, clicked, impressions_only)).converted;
}

// `count` banners of equal clicks, appended to plans.
void AppendEqualClicks(std::vector<BannerPlan>& plans, int count, uint32_t clicks) {
  for (int i = 0; i < count; ++i) plans.push_back({1, clicks, {}});
}

// Eight converted banners that outrank the tie groups below (>= 10.000000).
void AppendHighRevenue(EdgeCaseWriter& w, std::vector<BannerPlan>& plans) {
  for (int i = 0; i < 8; ++i) {
    plans.push_back({1, 2, {w.rng().Between(10 * kMicros, 999 * kMicros)}});
  }
}

// Fixed emission order (campaign ids are what differ per quarter). x0_top_clicks
// comes first and x10 before shared_banner because later cases point at them.
constexpr EdgeCase kEdgeCases[] = {
    {"x0_top_clicks",
     [](EdgeCaseWriter& w, uint64_t id) {
       const uint32_t x = Plain(w, id, 0, 7, 1);
       w.x0_campaign = id;
       return x;
     }},
    {"x0_tie_clicks",
     [](EdgeCaseWriter& w, uint64_t id) {
       std::vector<BannerPlan> plans;
       AppendEqualClicks(plans, 7, 3);
       return w.Emit(id, plans).converted;
     }},
    // Only 2 banners have clicks: bannerc's seeded random fill adds 3.
    {"x0_random_fill", [](EdgeCaseWriter& w, uint64_t id) { return Plain(w, id, 0, 2, 7); }},
    {"x0_no_clicks", [](EdgeCaseWriter& w, uint64_t id) { return Plain(w, id, 0, 0, 6); }},
    // |U| = 3: one banner only in impressions, one only in clicks, one in both.
    {"x0_small_u",
     [](EdgeCaseWriter& w, uint64_t id) {
       return w.Emit(id, {{2, 0, {}}, {0, 2, {}}, {1, 1, {}}}).converted;
     }},
    {"x1", [](EdgeCaseWriter& w, uint64_t id) { return Plain(w, id, 1, 6, 3); }},
    // A conversion of 0.000000 still makes its banner converted.
    {"x1_zero_revenue",
     [](EdgeCaseWriter& w, uint64_t id) {
       std::vector<BannerPlan> plans = w.Mixed(0, 4, 1);
       plans.push_back({1, 2, {0}});
       return w.Emit(id, plans).converted;
     }},
    {"x1_small_u", [](EdgeCaseWriter& w, uint64_t id) { return Plain(w, id, 1, 1, 0); }},
    // 4 unconverted banners tie on 5 clicks for the 2 places left.
    {"x3_tie_clicks",
     [](EdgeCaseWriter& w, uint64_t id) {
       std::vector<BannerPlan> plans = w.Mixed(3, 0, 1);
       AppendEqualClicks(plans, 4, 5);
       plans.push_back({1, 1, {}});
       return w.Emit(id, plans).converted;
     }},
    {"x4", [](EdgeCaseWriter& w, uint64_t id) { return Plain(w, id, 4, 5, 3); }},
    // No unconverted banner has clicks: the fifth place is a random fill.
    {"x4_random_fill", [](EdgeCaseWriter& w, uint64_t id) { return Plain(w, id, 4, 0, 4); }},
    {"x4_small_u", [](EdgeCaseWriter& w, uint64_t id) { return Plain(w, id, 4, 0, 0); }},
    {"x5", [](EdgeCaseWriter& w, uint64_t id) { return Plain(w, id, 5, 4, 2); }},
    {"x9", [](EdgeCaseWriter& w, uint64_t id) { return Plain(w, id, 9, 3, 1); }},
    {"x10",
     [](EdgeCaseWriter& w, uint64_t id) {
       const Campaign campaign = w.Emit(id, w.Mixed(10, 4, 2));
       for (const EmittedBanner& banner : campaign.banners) {
         w.x10_banners.push_back(banner.banner_id);
       }
       return campaign.converted;
     }},
    {"x11", [](EdgeCaseWriter& w, uint64_t id) { return Plain(w, id, 11, 3, 1); }},
    // Four banners tie on revenue 0.300000 across the top-10 cut, ranked by
    // clicks 4, 3, 2, 1. The 1-click one sums 0.100000 + 0.200000, which
    // a floating-point sum would rank first.
    {"x12_tie_revenue",
     [](EdgeCaseWriter& w, uint64_t id) {
       std::vector<BannerPlan> plans;
       AppendHighRevenue(w, plans);
       plans.push_back({1, 1, {100'000, 200'000}});
       plans.push_back({1, 4, {300'000}});
       plans.push_back({0, 3, {150'000, 150'000}});
       plans.push_back({1, 2, {300'000}});
       w.rng().Shuffle(plans);
       return w.Emit(id, plans).converted;
     }},
    // Four banners tie on revenue 7.500000 and 2 clicks: banner_id decides.
    {"x12_tie_revenue_clicks",
     [](EdgeCaseWriter& w, uint64_t id) {
       std::vector<BannerPlan> plans;
       AppendHighRevenue(w, plans);
       plans.push_back({1, 2, {7'500'000}});
       plans.push_back({1, 2, {2'500'000, 5'000'000}});
       plans.push_back({0, 2, {7'500'000}});
       plans.push_back({2, 2, {5'000'000, 2'500'000}});
       w.rng().Shuffle(plans);
       return w.Emit(id, plans).converted;
     }},
    // Exact repeats of click and conversion rows, in the same file and in
    // the late file: the counts and revenues must not change.
    {"duplicate_rows",
     [](EdgeCaseWriter& w, uint64_t id) {
       const Campaign campaign = w.Emit(id, w.Mixed(6, 3, 1));
       Quarter& q = w.quarter();
       for (int i = 0; i < 2; ++i) {
         const EmittedBanner& banner = campaign.banners[i];
         for (PlantedFile* clicks : {&q.First(kClicks), &q.LateClicks()}) {
           clicks->Row(banner.clicks[0], banner.banner_id, id);
         }
       }
       // Emit() puts a banner's first conversion on its first click.
       for (int i = 0; i < 3; ++i) {
         const EmittedBanner& banner = campaign.banners[i];
         for (PlantedFile* conversions : {&q.First(kConversions), &q.LateConversions()}) {
           conversions->Row(banner.conversions[0], banner.clicks[0], banner.revenues[0]);
         }
       }
       return campaign.converted;
     }},
    // Click ids reused later with another banner (same file) or another
    // campaign (late file). Kept as first seen, X stays 2; taking the later
    // rows would convert banner D here and give x0_top_clicks X = 1.
    {"click_conflict",
     [](EdgeCaseWriter& w, uint64_t id) {
       const std::vector<BannerPlan> plans = {
           {1, 2, {RandomRevenue(w.rng()), RandomRevenue(w.rng())}},  // A
           {0, 2, {RandomRevenue(w.rng()), RandomRevenue(w.rng())}},  // B
           {1, 3, {}},                                                // C
           {2, 0, {}},                                                // D
       };
       const Campaign campaign = w.Emit(id, plans);
       const EmittedBanner& a = campaign.banners[0];
       const EmittedBanner& b = campaign.banners[1];
       const EmittedBanner& d = campaign.banners[3];
       w.quarter().First(kClicks).Row(a.clicks[0], d.banner_id, id);
       w.quarter().LateClicks().Row(b.clicks[1], b.banner_id, w.x0_campaign);
       return campaign.converted;
     }},
    // Conversion ids reused later with another click (of unconverted banner
    // C) and revenue, in the same file and in the late file. X stays 2.
    {"conversion_conflict",
     [](EdgeCaseWriter& w, uint64_t id) {
       const std::vector<BannerPlan> plans = {
           {1, 1, {5 * kMicros}},           // A
           {1, 2, {kMicros, 2 * kMicros}},  // B
           {0, 2, {}},                      // C
       };
       const Campaign campaign = w.Emit(id, plans);
       const EmittedBanner& a = campaign.banners[0];
       const EmittedBanner& b = campaign.banners[1];
       const EmittedBanner& c = campaign.banners[2];
       w.quarter().First(kConversions).Row(a.conversions[0], c.clicks[0], 7 * kMicros);
       w.quarter().LateConversions().Row(b.conversions[1], c.clicks[1], 9 * kMicros);
       return campaign.converted;
     }},
    // Conversions of clicks this quarter never saw: one unused anywhere, one
    // that is a click of another quarter (quarters are compiled apart).
    {"orphan_conversions",
     [](EdgeCaseWriter& w, uint64_t id) {
       const uint32_t x = Plain(w, id, 1, 2, 1);
       Quarter& q = w.quarter();
       q.First(kConversions).Row(q.NewConversion(), q.NewUnusedClick(), RandomRevenue(w.rng()));
       q.LateConversions().Row(q.NewConversion(), q.NewUnusedClick(), RandomRevenue(w.rng()));
       q.First(kConversions)
           .Row(q.NewConversion(), q.ClickOfAnotherQuarter(), RandomRevenue(w.rng()));
       return x;
     }},
    // A click that arrives only in a later batch than its conversion: still
    // attributed (orphans are judged against the whole quarter).
    {"late_click",
     [](EdgeCaseWriter& w, uint64_t id) {
       const Campaign campaign = w.Emit(id, w.Mixed(1, 2, 0));
       Quarter& q = w.quarter();
       const uint64_t banner = q.NewBanner();
       const uint64_t click = q.NewClick();
       q.LateClicks().Row(click, banner, id);
       q.First(kConversions).Row(q.NewConversion(), click, RandomRevenue(w.rng()));
       return campaign.converted + 1;
     }},
    // Ids above 2^32 up to 2^63-1, and revenue up to the 10^12 limit.
    {"large_ids",
     [](EdgeCaseWriter& w, uint64_t id) {
       const std::vector<uint64_t> banners = {kMaxId, kMaxId - 1, (1ull << 32) + 1,
                                              (1ull << 33) + 7};
       const std::vector<BannerPlan> plans = {
           {1, 2, {kMaxRevenueMicros}},
           {1, 1, {kMaxRevenueMicros - 1}},
           {0, 3, {1, kMaxRevenueMicros}},
           {2, 2, {}},
       };
       return w.Emit(id, plans, banners, true).converted;
     }},
    // Banners of campaign x10 clicked here without conversions: revenue and
    // X are per campaign, so X here is 1.
    {"shared_banner",
     [](EdgeCaseWriter& w, uint64_t id) {
       const std::vector<uint64_t> banners = {w.x10_banners[0], w.x10_banners[1],
                                              w.quarter().NewBanner()};
       const std::vector<BannerPlan> plans = {
           {1, 2, {}}, {0, 1, {}}, {1, 1, {RandomRevenue(w.rng())}}};
       return w.Emit(id, plans, banners, false).converted;
     }},
};
constexpr size_t kEdgeCaseCount = std::size(kEdgeCases);

}  // namespace

std::vector<ManifestLine> PlantEdgeCases(Quarter& quarter) {
  std::vector<uint64_t> ids;
  for (size_t i = 0; i + 1 < kEdgeCaseCount; ++i) ids.push_back(100 + 3 * i);
  ids.push_back(kMaxId);
  quarter.rng().Shuffle(ids);
  EdgeCaseWriter writer(quarter);
  std::vector<ManifestLine> lines;
  for (size_t i = 0; i < kEdgeCaseCount; ++i) {
    lines.push_back({ids[i], kEdgeCases[i].emit(writer, ids[i]), kEdgeCases[i].name});
  }
  return lines;
}

}  // namespace banner::synthetic
