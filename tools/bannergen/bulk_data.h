// The bulk campaigns that fill each quarter to its byte budget, streamed
// with nothing kept per row. Each has a random planned X (30% below 5, 30%
// 5..11, 40% 12..40), banners with consecutive ids, clicks skewed
// towards a few banners and some exact duplicate rows, spread at random over
// the batch files.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "manifest_line.h"
#include "quarter.h"

namespace banner::synthetic {

// Writes `campaigns` bulk campaigns (ids from 10000) until the quarter's
// plain byte count reaches `quarter_bytes`, each taking an equal share of
// what is left; appends their manifest lines to *lines.
void WriteBulkCampaigns(Quarter& quarter, uint32_t campaigns, uint64_t quarter_bytes,
                        std::vector<ManifestLine>* lines);

}  // namespace banner::synthetic
