#include "bad_rows.h"

#include <array>
#include <string>

namespace banner::synthetic {
namespace {

enum class BadRow {
  kWrongColumnCount,
  kEmptyId,
  kNonNumericId,
  kIdTooLarge,
  kNegativeRevenue,
  kNanRevenue
};
constexpr uint64_t kBadRowKinds = 6;

// Bad row number `index` of the whole run. The first four kinds rotate over
// the three tables; the revenue kinds can only be conversions.
void WriteBadRow(Quarter& q, uint64_t index, uint64_t campaign_id) {
  const auto kind = static_cast<BadRow>(index % kBadRowKinds);
  const Table table = kind == BadRow::kNegativeRevenue || kind == BadRow::kNanRevenue
                          ? kConversions
                          : static_cast<Table>(index / kBadRowKinds % kTables);
  std::array<std::string, 3> fields = {
      std::to_string(q.NewBadRowId()),
      table == kImpressions ? std::to_string(campaign_id) : std::to_string(q.NewBadRowId()),
      table == kConversions ? "1.000000" : std::to_string(campaign_id)};
  switch (kind) {
    case BadRow::kWrongColumnCount:
      break;
    case BadRow::kEmptyId:
      fields[0].clear();
      break;
    case BadRow::kNonNumericId:
      fields[0] = "n/a";
      break;
    case BadRow::kIdTooLarge:
      fields[0] = "9223372036854775808";
      break;  // 2^63
    case BadRow::kNegativeRevenue:
      fields[2] = "-2.500000";
      break;
    case BadRow::kNanRevenue:
      fields[2] = "nan";
      break;
  }
  q.First(table).RawRow(fields, kind == BadRow::kWrongColumnCount);
}

}  // namespace

void PlantBadRows(Quarter& quarter, int number, uint64_t bad_rows, uint64_t campaign_id) {
  for (uint64_t index = number - 1; index < bad_rows; index += kQuarters) {
    WriteBadRow(quarter, index, campaign_id);
  }
}

}  // namespace banner::synthetic
