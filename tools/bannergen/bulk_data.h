// The bulk campaigns that fill each quarter to its byte budget, as both
// layouts (layouts.h) draw them: a plan per campaign (a random planned X,
// 30% below 5, 30% 5..11, 40% 12..40; tens of banners with consecutive ids;
// a share of the traffic) and random events on it (an impression, a click,
// a click that converts, a repeated row). Traffic is long-tailed twice: a
// campaign's share follows 1 / (its rank + 10) over the campaigns (ranks
// shuffled, so the busiest campaigns are not the first ids), and within a
// campaign a banner's share follows 1 / (its index + 2).
// Not thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "manifest_line.h"
#include "quarter.h"

namespace banner::synthetic {

struct BulkCampaign {
  uint64_t campaign_id;
  uint32_t planned_x;
  uint64_t banner_count;
  uint64_t first_banner;  // banner i is first_banner + i
  // Exactly planned_x banners are converted, scattered over the indices by
  // the affine permutation i -> (step * i + offset) mod banner_count.
  uint64_t step, offset;
  bool Converted(uint64_t index) const { return (step * index + offset) % banner_count < planned_x; }
};

enum class EventKind { kImpression, kClick, kConvertedClick, kRepeatClick, kRepeatConversion };

struct BulkEvent {
  uint32_t campaign;  // index into BulkPlan::campaigns()
  EventKind kind;
  uint64_t banner;    // index into the campaign's banners
};

class BulkPlan {
 public:
  // Draws `campaigns` campaigns (ids from 10000) from the quarter's Rng.
  // REQUIRES: campaigns > 0.
  BulkPlan(Quarter& quarter, uint32_t campaigns);

  const std::vector<BulkCampaign>& campaigns() const { return campaigns_; }
  std::vector<ManifestLine> ManifestLines() const;

  // The events every banner of `campaign` has once whatever the traffic:
  // an impression for nine in ten, a click for the others, and a click that
  // converts for a converted one, so that X is exactly planned_x.
  void AppendSeedEvents(uint32_t campaign, Rng& rng, std::vector<BulkEvent>* events) const;
  // One random event of `campaign`: 64% impressions, 34.5% clicks (35% of
  // those on converted banners convert), 1% repeated clicks, 0.5% repeated
  // conversions.
  BulkEvent RandomEvent(uint32_t campaign, Rng& rng) const;
  // A campaign drawn by its traffic share.
  uint32_t RandomCampaign(Rng& rng) const;
  // The part of `total` that campaigns [0, end) take by traffic share.
  uint64_t PortionBefore(uint32_t end, uint64_t total) const;

 private:
  std::vector<BulkCampaign> campaigns_;
  std::vector<uint64_t> cumulative_weight_;  // [k]: campaigns 0..k-1; one more than campaigns_
};

}  // namespace banner::synthetic
