// One quarter's tables while its rows arrive: deduplication (SPEC section 2)
// and the per-banner totals the rules need (SPEC section 3).
//
// Rows must arrive in input order (files in path order, rows in file order):
// the first occurrence of an id wins. Every click of the quarter must arrive
// before its first conversion, so that an orphan is known at once.
// Memory: one entry per distinct click, conversion and (campaign, banner)
// pair. Click and conversion ids are kept in OrderedIdMaps: in time-ordered
// logs they arrive increasing, and are appended without a cache miss.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "flat_hash_map.h"
#include "ordered_id_map.h"
#include "ranking.h"
#include "rows.h"

namespace banner {

enum class RowOutcome { kKept, kDuplicate, kConflict, kOrphan };

struct CampaignResult {
  uint64_t campaign_id;
  RankedList list;
};

class QuarterTables {
 public:
  void AddImpression(const CampaignBanner& pair) { PairIndex(pair); }
  // On kConflict, *reason says what the row disagrees with.
  RowOutcome AddClick(const ClickRow& row, std::string* reason);
  // On kConflict or kOrphan, *reason says why the row is rejected.
  RowOutcome AddConversion(const ConversionRow& row, std::string* reason);
  // Hints for rows about to be added (see FlatHashMap::Prefetch).
  void PrefetchImpression(const CampaignBanner& pair) const { pair_index_.Prefetch(pair); }
  void PrefetchClick(const ClickRow& row) const {
    clicks_.Prefetch(row.click_id);
    pair_index_.Prefetch({row.campaign_id, row.banner_id});
  }
  void PrefetchConversion(const ConversionRow& row) const {
    conversions_.Prefetch(row.conversion_id);
    clicks_.Prefetch(row.click_id);
  }

  // The ranked list of every campaign, sorted by campaign_id.
  std::vector<CampaignResult> Rank(uint64_t seed, int quarter) const;
  size_t memory_bytes() const;

 private:
  uint32_t PairIndex(const CampaignBanner& pair);

  struct Conversion {
    uint64_t click_id;
    uint64_t revenue_micros;
  };
  FlatHashMap<CampaignBanner, uint32_t, CampaignBannerTraits> pair_index_;
  std::vector<CampaignBanner> pairs_;
  // Parallel to pairs_. Clicks are not counted here as they arrive (a
  // random access per click) but by Rank, from clicks_ (L2-sized counters).
  std::vector<BannerTotals> totals_;
  OrderedIdMap<uint32_t> clicks_;         // click_id → pair index
  OrderedIdMap<Conversion> conversions_;  // conversion_id → first occurrence
  bool conversions_started_ = false;
};

}  // namespace banner
