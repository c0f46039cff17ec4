#include "carry_over.h"

#include <map>
#include <string_view>
#include <utility>

namespace banner {

namespace {

// Whether quarter q's inputs are exactly its previous records and the
// previous build's rejected rows are not needed (carry_over.h); if so, fills
// in plan->records for the quarter's inputs.
bool CarryOverQuarter(int q, const std::vector<InputFile>& inputs, const std::vector<InputRecord>& previous,
                      bool rejects_wanted, bool unparseable_fails, CarryOverPlan* plan) {
  std::map<std::string_view, const InputRecord*> recorded;
  for (const InputRecord& r : previous) {
    if (r.quarter != q) continue;
    if ((rejects_wanted && r.rows_rejected > 0) || (unparseable_fails && r.unparseable_rows)) return false;
    recorded.emplace(r.path, &r);
  }
  std::vector<std::pair<size_t, const InputRecord*>> matched;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const InputFile& in = inputs[i];
    if (in.name.quarter != q) continue;
    const auto it = recorded.find(in.relative_path);
    if (it == recorded.end()) return false;
    const InputRecord& r = *it->second;
    if (r.hash != in.hash || r.kind != in.name.kind || r.duplicate_file != in.duplicate_of.has_value()) {
      return false;
    }
    matched.emplace_back(i, &r);
  }
  if (matched.empty() || matched.size() != recorded.size()) return false;
  for (const auto& [i, r] : matched) plan->records[i] = r;
  return true;
}

}  // namespace

CarryOverPlan PlanCarryOver(const std::vector<InputFile>& inputs, const IndexReader& previous, uint64_t seed,
                            bool rejects_wanted, bool unparseable_fails) {
  CarryOverPlan plan;
  plan.records.assign(inputs.size(), nullptr);
  if (previous.format_version() != kIndexFormatVersion || previous.seed() != seed) return plan;
  for (int q = 1; q <= kQuarters; ++q) {
    plan.quarters[q - 1] =
        CarryOverQuarter(q, inputs, previous.inputs(), rejects_wanted, unparseable_fails, &plan);
  }
  return plan;
}

std::vector<CampaignResult> CarriedLists(const IndexReader& previous, int quarter) {
  std::vector<CampaignResult> lists(previous.campaign_count(quarter));
  for (size_t i = 0; i < lists.size(); ++i) {
    const CampaignList list = previous.campaign_at(quarter, i);
    CampaignResult& c = lists[i];
    c.campaign_id = list.campaign_id();
    c.list.x = list.x();
    c.list.rule = list.rule();
    c.list.banners.resize(list.size());
    for (size_t b = 0; b < list.size(); ++b) c.list.banners[b] = list.banner(b);
  }
  return lists;
}

}  // namespace banner
