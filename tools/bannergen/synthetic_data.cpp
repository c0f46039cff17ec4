// The generator behind bannergen. Per quarter, in this order:
//   1. plants the edge-case campaigns (edge_cases.h);
//   2. plants the --bad-rows share of that quarter (bad_rows.h);
//   3. plans the bulk campaigns (bulk_data.h);
//   4. writes the planted rows and the bulk campaigns' events in the chosen
//      layout until the quarter's byte budget is reached (layouts.h);
// then closes the quarter's files, adds its duplicate file, and appends its
// manifest lines sorted by campaign id. Everything draws from the quarter's
// own Rng in this fixed order, which is what makes the output reproducible.
#include "synthetic_data.h"

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bad_rows.h"
#include "bulk_data.h"
#include "edge_cases.h"
#include "input_spec.h"
#include "layouts.h"
#include "manifest_line.h"
#include "quarter.h"

namespace banner::synthetic {
namespace {

namespace fs = std::filesystem;

void Validate(const Options& options) {
  if (options.out_dir.empty()) throw std::invalid_argument("--out is required");
  if (options.batches < 1 || options.batches > kMaxBatches) {
    throw std::invalid_argument("--batches must be 1 to " + std::to_string(kMaxBatches));
  }
  if (!(options.size_mb > 0 && options.size_mb <= kMaxSizeMb)) {
    throw std::invalid_argument("--size-mb must be greater than 0 and at most " +
                                std::to_string(static_cast<uint64_t>(kMaxSizeMb)));
  }
  if (options.campaigns > kMaxCampaigns) {
    throw std::invalid_argument("--campaigns must be 0 to " + std::to_string(kMaxCampaigns));
  }
}

}  // namespace

Summary Generate(const Options& options) {
  Validate(options);
  fs::remove_all(options.out_dir / "csv");
  fs::create_directories(options.out_dir / "csv");
  const fs::path manifest_path = options.out_dir / "manifest.tsv";
  std::ofstream manifest(manifest_path, std::ios::binary | std::ios::trunc);
  if (!manifest) throw std::runtime_error("cannot create " + manifest_path.string());

  const auto quarter_bytes = static_cast<uint64_t>(options.size_mb * 1e6 / kQuarters);
  const uint32_t bulk_campaigns =
      options.campaigns != 0
          ? options.campaigns
          : std::max(kMinCampaigns, static_cast<uint32_t>(options.size_mb * kCampaignsPerMb));
  Summary summary;
  for (int number = 1; number <= kQuarters; ++number) {
    Quarter quarter(options, number);
    std::vector<ManifestLine> lines = PlantEdgeCases(quarter);
    PlantBadRows(quarter, number, options.bad_rows, lines.front().campaign_id);
    const BulkPlan plan(quarter, bulk_campaigns);
    if (options.layout == Layout::kInterleaved) {
      WriteInterleaved(quarter, plan, quarter_bytes);
    } else {
      WriteGrouped(quarter, plan, quarter_bytes);
    }
    for (const ManifestLine& line : plan.ManifestLines()) lines.push_back(line);

    summary.files += quarter.Finish();
    summary.csv_bytes += quarter.bytes().written;
    summary.campaigns += lines.size();
    std::sort(lines.begin(), lines.end(), [](const ManifestLine& a, const ManifestLine& b) {
      return a.campaign_id < b.campaign_id;
    });
    for (const ManifestLine& line : lines) {
      manifest << number << '\t' << line.campaign_id << '\t' << line.planned_x << '\t'
               << line.case_name << '\n';
    }
  }
  manifest.close();
  if (!manifest) throw std::runtime_error("cannot write " + manifest_path.string());
  return summary;
}

}  // namespace banner::synthetic
