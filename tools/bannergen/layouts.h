// The two orders in which bannergen writes a quarter's rows: the planted
// rows (planted_rows.h) and bulk events (bulk_data.h) until the quarter's
// plain byte count reaches `quarter_bytes`, then the late files' rows.
//
// Interleaved (the default; SPEC section 2): rows in time order, as real logs
// are. Each event's campaign is drawn by traffic share, so consecutive rows
// almost never share a campaign; the batch files are consecutive stretches of
// time; click and conversion ids are handed out as rows are written, so they
// increase with time (planted rows are renumbered to fit, keeping which of
// them repeat or conflict); a conversion follows its click after a random,
// long-tailed delay; every banner's seed events and the planted rows are
// spread evenly over the quarter.
//
// Grouped: the planted rows first, then one campaign after another, its seed
// events then its share of the random events; rows spread at random over the
// batch files, a conversion right after its click.
// Not thread-safe.
#pragma once

#include <cstdint>

#include "bulk_data.h"
#include "quarter.h"

namespace banner::synthetic {

void WriteInterleaved(Quarter& quarter, const BulkPlan& plan, uint64_t quarter_bytes);
void WriteGrouped(Quarter& quarter, const BulkPlan& plan, uint64_t quarter_bytes);

}  // namespace banner::synthetic
