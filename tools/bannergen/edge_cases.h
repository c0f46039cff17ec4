// The edge-case campaigns bannergen plants in every quarter, each built from
// explicit per-banner plans to hit one rule or boundary: X on both sides of
// the cuts at 1, 5 and 10, random fills and banner sets smaller than 5, ties
// on clicks and on revenue, zero revenue, duplicate rows, click and
// conversion id conflicts, orphan and late-click conversions, ids up to
// 2^63-1 and revenue up to 10^12, and banners shared by two campaigns.
// Not thread-safe.
#pragma once

#include <vector>

#include "manifest_line.h"
#include "quarter.h"

namespace banner::synthetic {

// Plants every edge case in `quarter` (planted_rows.h), all in the first
// batch file of each table except rows that must come later in path order,
// which go to the "_late" files; the layout decides where in the batches
// they land. Returns the manifest lines in emission order, so the first
// is the x0_top_clicks campaign. The campaign ids are the same every quarter
// but dealt to different cases, so a campaign's X changes from quarter to
// quarter; one of them is 2^63-1.
std::vector<ManifestLine> PlantEdgeCases(Quarter& quarter);

}  // namespace banner::synthetic
