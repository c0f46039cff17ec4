// The unparseable rows of --bad-rows: a wrong column count, an empty, a
// non-numeric and a too-large (2^63) id, a negative and a NaN revenue, one
// kind after another, dealt round the quarters and tables. Each is planted
// in the first batch file of its table (planted_rows.h), never in the
// duplicate file, so each is counted once.
// Not thread-safe.
#pragma once

#include <cstdint>

#include "quarter.h"

namespace banner::synthetic {

// Plants the share of `quarter` (numbered 1..kQuarters) of a run's
// `bad_rows`. `campaign_id` fills the fields that name a campaign.
void PlantBadRows(Quarter& quarter, int number, uint64_t bad_rows, uint64_t campaign_id);

}  // namespace banner::synthetic
