// One line of OUT/manifest.tsv (see synthetic_data.h): a campaign of a
// quarter, the X it was built to have, and the case that built it.
#pragma once

#include <cstdint>

namespace banner::synthetic {

struct ManifestLine {
  uint64_t campaign_id;
  uint32_t planned_x;
  const char* case_name;  // an edge case's name, or "bulk"
};

}  // namespace banner::synthetic
