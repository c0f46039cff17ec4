// Deterministic synthetic input for bannerc: the CSV layout of SPEC section 2
// plus a manifest of the X each campaign was built to have.
//
//   OUT/csv/{q}/impressions_{q}[suffix].csv   banner_id,campaign_id
//   OUT/csv/{q}/clicks_{q}[suffix].csv        click_id,banner_id,campaign_id
//   OUT/csv/{q}/conversions_{q}[suffix].csv   conversion_id,click_id,revenue
//   OUT/manifest.tsv   quarter<TAB>campaign_id<TAB>planned_x<TAB>case, one line
//                      per quarter and campaign, no header
//
// Rows are in time order by default, all campaigns interleaved, or grouped
// by campaign on request (layouts.h). Same Options => byte-identical output
// on every platform (own PRNG, no std:: distributions, no floating point in
// the draws). Rows are streamed through fixed-size buffers: memory follows
// the number of campaigns and banners, not the number of rows.
// Not thread-safe; callers run one Generate at a time per output directory.
#pragma once

#include <cstdint>
#include <filesystem>

namespace banner::synthetic {

inline constexpr double kDefaultSizeMb = 0.25;
inline constexpr double kMaxSizeMb = 1e6;
inline constexpr uint32_t kMaxBatches = 50;
inline constexpr uint32_t kMaxCampaigns = 10'000'000;
// Bulk campaigns per quarter and MB of --size-mb when not given: about
// 5,000 campaigns of tens of banners each per quarter at 500 MB.
inline constexpr double kCampaignsPerMb = 10;
inline constexpr uint32_t kMinCampaigns = 8;

enum class Layout {
  kInterleaved,  // time order, all campaigns mixed, as real logs
  kGrouped,      // each campaign's rows together
};

struct Options {
  std::filesystem::path out_dir;
  uint64_t seed = 1;
  Layout layout = Layout::kInterleaved;
  // Bulk campaigns per quarter, besides the fixed edge cases; 0 = derived
  // from size_mb (kCampaignsPerMb, at least kMinCampaigns).
  // REQUIRES: <= kMaxCampaigns.
  uint32_t campaigns = 0;
  // Approximate total CSV size in MB (10^6 bytes), all quarters together,
  // counted as without quirks so that quirks never change the rows.
  // REQUIRES: > 0 and <= kMaxSizeMb.
  double size_mb = kDefaultSizeMb;
  // Files per table and quarter for bulk rows. REQUIRES: 1..kMaxBatches.
  uint32_t batches = 1;
  // Spreadsheet quirks: BOM, CRLF, quotes, reordered and extra columns,
  // missing final newline. The logical rows stay the same.
  bool quirks = false;
  // Unparseable rows spread over quarters and tables (never in the
  // duplicate file, so each is counted once).
  uint32_t bad_rows = 0;
};

struct Summary {
  uint64_t files = 0;
  uint64_t csv_bytes = 0;
  uint64_t campaigns = 0;  // manifest lines
};

// Replaces OUT/csv and OUT/manifest.tsv (and touches nothing else in OUT).
// Throws std::invalid_argument for bad options, std::runtime_error on I/O
// errors.
Summary Generate(const Options& options);

}  // namespace banner::synthetic
