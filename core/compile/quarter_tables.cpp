#include "quarter_tables.h"

#include <algorithm>
#include <cassert>

#include "money.h"

namespace banner {

uint32_t QuarterTables::PairIndex(const CampaignBanner& pair) {
  auto [index, inserted] = pair_index_.Insert(pair);
  if (inserted) {
    *index = static_cast<uint32_t>(pairs_.size());
    pairs_.push_back(pair);
    totals_.push_back(BannerTotals{pair.banner_id, 0, 0, 0});
  }
  return *index;
}

RowOutcome QuarterTables::AddClick(const ClickRow& row, std::string* reason) {
  assert(!conversions_started_);
  const CampaignBanner pair{row.campaign_id, row.banner_id};
  auto [first, inserted] = clicks_.Insert(row.click_id);
  if (!inserted) {
    const CampaignBanner& kept = pairs_[*first];
    if (kept == pair) return RowOutcome::kDuplicate;
    *reason = "conflict: click_id " + std::to_string(row.click_id) + " was first seen with banner_id " +
              std::to_string(kept.banner_id) + ", campaign_id " + std::to_string(kept.campaign_id) +
              "; the first is kept";
    return RowOutcome::kConflict;
  }
  // Only a kept click may add a banner to its campaign: a conflicting row
  // returned above without touching the pairs.
  *first = PairIndex(pair);
  return RowOutcome::kKept;
}

RowOutcome QuarterTables::AddConversion(const ConversionRow& row, std::string* reason) {
  conversions_started_ = true;
  auto [first, inserted] = conversions_.Insert(row.conversion_id);
  if (!inserted) {
    if (first->click_id == row.click_id && first->revenue_micros == row.revenue_micros) {
      return RowOutcome::kDuplicate;
    }
    *reason = "conflict: conversion_id " + std::to_string(row.conversion_id) +
              " was first seen with click_id " + std::to_string(first->click_id) + ", revenue " +
              FormatMicros(first->revenue_micros) + "; the first is kept";
    return RowOutcome::kConflict;
  }
  const uint32_t* pair = clicks_.Find(row.click_id);
  *first = Conversion{row.click_id, row.revenue_micros};
  if (pair == nullptr) {
    *reason = "orphan: click_id " + std::to_string(row.click_id) + " matches no click of this quarter";
    return RowOutcome::kOrphan;
  }
  BannerTotals& totals = totals_[*pair];
  ++totals.conversions;
  totals.revenue += row.revenue_micros;
  return RowOutcome::kKept;
}

std::vector<CampaignResult> QuarterTables::Rank(uint64_t seed, int quarter) const {
  std::vector<uint64_t> clicks(pairs_.size());
  clicks_.ForEach([&](uint64_t, uint32_t pair) { ++clicks[pair]; });
  std::vector<uint32_t> order(pairs_.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (pairs_[a].campaign_id != pairs_[b].campaign_id) {
      return pairs_[a].campaign_id < pairs_[b].campaign_id;
    }
    return pairs_[a].banner_id < pairs_[b].banner_id;
  });
  std::vector<CampaignResult> out;
  std::vector<BannerTotals> banners;
  for (size_t i = 0; i < order.size();) {
    const uint64_t campaign = pairs_[order[i]].campaign_id;
    banners.clear();
    for (; i < order.size() && pairs_[order[i]].campaign_id == campaign; ++i) {
      banners.push_back(totals_[order[i]]);
      banners.back().clicks = clicks[order[i]];
    }
    out.push_back({campaign, RankCampaign(banners, seed, quarter, campaign)});
  }
  return out;
}

size_t QuarterTables::memory_bytes() const {
  return pair_index_.memory_bytes() + pairs_.capacity() * sizeof(CampaignBanner) +
         totals_.capacity() * sizeof(BannerTotals) + clicks_.memory_bytes() +
         conversions_.memory_bytes();
}

}  // namespace banner
