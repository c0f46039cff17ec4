#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <queue>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "layouts.h"

namespace banner::synthetic {
namespace {

// Conversion delays, in events: log-uniform up to 2^17 (most within a few
// hundred events, some a large part of the quarter later).
constexpr uint64_t kMaxDelayBits = 17;

// Click and conversion ids in the order rows are written. The planted rows
// were given ids from the same ranges before any row was written; each is
// renumbered the first time it is written, the same way every time, so
// repeats and conflicts among them stay what they were.
class TimeOrderedIds {
 public:
  TimeOrderedIds(IdRange planted_clicks, IdRange planted_conversions)
      : planted_clicks_(planted_clicks),
        planted_conversions_(planted_conversions),
        next_click_(planted_clicks.begin),
        next_conversion_(planted_conversions.begin) {}

  uint64_t NewClick() { return next_click_++; }
  uint64_t NewConversion() { return next_conversion_++; }

  // A planted row with its ids renumbered.
  PlantedRow Renumber(PlantedRow row) {
    if (row.raw) return row;
    if (row.table == kClicks) row.values[0] = Click(row.values[0]);
    if (row.table == kConversions) {
      row.values[0] = Map(planted_conversions_, &conversions_, &next_conversion_, row.values[0]);
      row.values[1] = Click(row.values[1]);
    }
    return row;
  }

 private:
  uint64_t Click(uint64_t id) { return Map(planted_clicks_, &clicks_, &next_click_, id); }
  // Ids outside `planted` (large ids, orphans' unknown clicks) stay as they are.
  static uint64_t Map(IdRange planted, std::unordered_map<uint64_t, uint64_t>* renumbered,
                      uint64_t* next, uint64_t id) {
    if (!planted.Contains(id)) return id;
    const auto [it, inserted] = renumbered->try_emplace(id, *next);
    if (inserted) ++*next;
    return it->second;
  }

  IdRange planted_clicks_, planted_conversions_;
  std::unordered_map<uint64_t, uint64_t> clicks_, conversions_;
  uint64_t next_click_, next_conversion_;
};

struct PendingConversion {
  uint64_t due, sequence;  // sequence: unique, so the order never depends on the heap
  uint64_t click_id, micros;
  bool operator>(const PendingConversion& other) const {
    return std::tie(due, sequence) > std::tie(other.due, other.sequence);
  }
};

class InterleavedWriter {
 public:
  InterleavedWriter(Quarter& q, const BulkPlan& plan, uint64_t quarter_bytes)
      : q_(q),
        plan_(plan),
        ids_(q.AllocatedClicks(), q.AllocatedConversions()),
        before_bulk_(q.bytes().plain),
        bulk_bytes_(quarter_bytes > before_bulk_ ? quarter_bytes - before_bulk_ : 0) {}

  void Run() {
    Rng& rng = q_.rng();
    std::vector<BulkEvent> seeds;
    for (uint32_t k = 0; k < plan_.campaigns().size(); ++k) plan_.AppendSeedEvents(k, rng, &seeds);
    rng.Shuffle(seeds);
    std::vector<const PlantedRow*> planted, late;
    for (const PlantedRow& row : q_.planted()) (row.late ? late : planted).push_back(&row);

    size_t next_seed = 0, next_planted = 0;
    for (;;) {
      const uint64_t done = q_.bytes().plain - before_bulk_;
      // Seed and planted row k of n are due once k/n of the bytes are written.
      while (next_planted < planted.size() && Due(next_planted, planted.size(), done)) {
        const PlantedRow& row = *planted[next_planted++];
        ids_.Renumber(row).WriteTo(q_.Batch(row.table, Batch()));
      }
      while (next_seed < seeds.size() && Due(next_seed, seeds.size(), done)) Write(seeds[next_seed++]);
      while (!pending_.empty() && pending_.top().due <= now_) WriteConversion();
      if (done >= bulk_bytes_ && next_seed == seeds.size() && next_planted == planted.size()) break;
      if (done < bulk_bytes_) Write(plan_.RandomEvent(plan_.RandomCampaign(rng), rng));
      ++now_;
    }
    while (!pending_.empty()) WriteConversion();
    for (const PlantedRow* row : late) ids_.Renumber(*row).WriteTo(q_.Late(row->table));
  }

 private:
  bool Due(size_t k, size_t n, uint64_t done) const {
    __extension__ typedef unsigned __int128 U128;
    return static_cast<U128>(k) * bulk_bytes_ <= static_cast<U128>(done) * n;
  }

  // The batch file of the present moment: batches split the quarter's time.
  uint32_t Batch() const {
    if (bulk_bytes_ == 0) return q_.batches() - 1;
    const uint64_t done = q_.bytes().plain - before_bulk_;
    return static_cast<uint32_t>(std::min<uint64_t>(q_.batches() - 1, done * q_.batches() / bulk_bytes_));
  }

  void Write(const BulkEvent& event) {
    const BulkCampaign& c = plan_.campaigns()[event.campaign];
    const uint64_t banner_id = c.first_banner + event.banner;
    Rng& rng = q_.rng();
    switch (event.kind) {
      case EventKind::kImpression:
        q_.Batch(kImpressions, Batch()).Row(banner_id, c.campaign_id);
        break;
      case EventKind::kClick:
      case EventKind::kConvertedClick:
        last_click_ = {ids_.NewClick(), banner_id, c.campaign_id};
        q_.Batch(kClicks, Batch()).Row(last_click_[0], last_click_[1], last_click_[2]);
        if (event.kind == EventKind::kConvertedClick) {
          const uint64_t delay = rng.Below(uint64_t{1} << rng.Below(kMaxDelayBits + 1));
          pending_.push({now_ + 1 + delay, sequence_++, last_click_[0], RandomRevenue(rng)});
        }
        break;
      case EventKind::kRepeatClick:
        if (last_click_[0] != 0) q_.Batch(kClicks, Batch()).Row(last_click_[0], last_click_[1], last_click_[2]);
        break;
      case EventKind::kRepeatConversion:
        if (last_conversion_[0] != 0) {
          q_.Batch(kConversions, Batch()).Row(last_conversion_[0], last_conversion_[1], last_conversion_[2]);
        }
        break;
    }
  }

  void WriteConversion() {
    const PendingConversion p = pending_.top();
    pending_.pop();
    last_conversion_ = {ids_.NewConversion(), p.click_id, p.micros};
    q_.Batch(kConversions, Batch()).Row(last_conversion_[0], last_conversion_[1], last_conversion_[2]);
  }

  Quarter& q_;
  const BulkPlan& plan_;
  TimeOrderedIds ids_;
  const uint64_t before_bulk_, bulk_bytes_;
  uint64_t now_ = 0, sequence_ = 0;
  std::priority_queue<PendingConversion, std::vector<PendingConversion>, std::greater<>> pending_;
  std::array<uint64_t, 3> last_click_{};       // click_id, banner_id, campaign_id
  std::array<uint64_t, 3> last_conversion_{};  // conversion_id, click_id, micros
};

}  // namespace

void WriteInterleaved(Quarter& quarter, const BulkPlan& plan, uint64_t quarter_bytes) {
  InterleavedWriter(quarter, plan, quarter_bytes).Run();
}

}  // namespace banner::synthetic
