#include <vector>

#include "layouts.h"

namespace banner::synthetic {

void WriteGrouped(Quarter& q, const BulkPlan& plan, uint64_t quarter_bytes) {
  for (const PlantedRow& row : q.planted()) row.WriteTo(row.late ? q.Late(row.table) : q.Batch(row.table, 0));

  Rng& rng = q.rng();
  uint64_t last_click[3] = {0, 0, 0};       // click_id, banner_id, campaign_id
  uint64_t last_conversion[3] = {0, 0, 0};  // conversion_id, click_id, micros
  auto write = [&](const BulkEvent& event) {
    const BulkCampaign& c = plan.campaigns()[event.campaign];
    const uint64_t banner_id = c.first_banner + event.banner;
    switch (event.kind) {
      case EventKind::kImpression:
        q.AnyBatch(kImpressions).Row(banner_id, c.campaign_id);
        break;
      case EventKind::kClick:
      case EventKind::kConvertedClick:
        last_click[0] = q.NewClick();
        last_click[1] = banner_id;
        last_click[2] = c.campaign_id;
        q.AnyBatch(kClicks).Row(last_click[0], last_click[1], last_click[2]);
        if (event.kind == EventKind::kConvertedClick) {
          last_conversion[0] = q.NewConversion();
          last_conversion[1] = last_click[0];
          last_conversion[2] = RandomRevenue(rng);
          q.AnyBatch(kConversions).Row(last_conversion[0], last_conversion[1], last_conversion[2]);
        }
        break;
      case EventKind::kRepeatClick:
        if (last_click[0] != 0) q.AnyBatch(kClicks).Row(last_click[0], last_click[1], last_click[2]);
        break;
      case EventKind::kRepeatConversion:
        if (last_conversion[0] != 0) {
          q.AnyBatch(kConversions).Row(last_conversion[0], last_conversion[1], last_conversion[2]);
        }
        break;
    }
  };

  const uint64_t before_bulk = q.bytes().plain;
  const uint64_t bulk_bytes = quarter_bytes > before_bulk ? quarter_bytes - before_bulk : 0;
  std::vector<BulkEvent> seeds;
  for (uint32_t k = 0; k < plan.campaigns().size(); ++k) {
    seeds.clear();
    plan.AppendSeedEvents(k, rng, &seeds);
    for (const BulkEvent& event : seeds) write(event);
    const uint64_t target = before_bulk + plan.PortionBefore(k + 1, bulk_bytes);
    while (q.bytes().plain < target) write(plan.RandomEvent(k, rng));
  }
}

}  // namespace banner::synthetic
