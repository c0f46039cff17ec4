// bannergen: writes deterministic synthetic CSV input for bannerc.
// The generation itself is synthetic::Generate (synthetic_data.h).
//
// Exit status: 0 success, 1 I/O error, 2 usage error (as bannerc).
#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "decimal_option.h"
#include "synthetic_data.h"
#include "version.h"

namespace {
constexpr int kExitIo = 1;
constexpr int kExitUsage = 2;
}  // namespace

int main(int argc, char** argv) {
  using banner::DecimalRange;
  namespace synthetic = banner::synthetic;
  synthetic::Options options;
  CLI::App app{
      "Writes deterministic synthetic banner data (SPEC section 2 layout):\n"
      "  DIR/csv/{q}/impressions_{q}[suffix].csv  banner_id,campaign_id\n"
      "  DIR/csv/{q}/clicks_{q}[suffix].csv       click_id,banner_id,campaign_id\n"
      "  DIR/csv/{q}/conversions_{q}[suffix].csv  conversion_id,click_id,revenue\n"
      "  DIR/manifest.tsv  quarter<TAB>campaign_id<TAB>planned_x<TAB>case, no header:\n"
      "                    the X (distinct converted banners) each campaign was built to have.\n"
      "Suffixes: _b2.._bN (batches), _late (rows that must follow others in path order:\n"
      "conflicts, duplicates), _late_copy (a byte-identical duplicate file).\n"
      "Every quarter has edge-case campaigns (X = 0,1,3,4,5,9,10,11,12; ties; random fill;\n"
      "small banner sets; duplicate, conflicting and orphan rows; ids up to 2^63-1) and\n"
      "bulk campaigns with random X, tens of banners each and long-tailed traffic.\n"
      "Rows are in time order, all campaigns interleaved, as real logs are (click and\n"
      "conversion ids increase with time, conversions follow their clicks, batch files are\n"
      "consecutive stretches of time); --layout grouped writes each campaign's rows together.\n"
      "Same arguments => byte-identical output.\n"
      "DIR/csv and DIR/manifest.tsv are replaced; nothing else in DIR is touched."};
  app.set_version_flag("--version", std::string("bannergen ") + banner::kVersion);
  app.add_option("--out", options.out_dir, "Output directory DIR")->required();
  app.add_option("--seed", options.seed, "Seed of the pseudo-random generator")
      ->transform(DecimalRange(0, UINT64_MAX))
      ->capture_default_str();
  std::string layout = "interleaved";
  app.add_option("--layout", layout,
                 "Row order: interleaved (time order, campaigns mixed, as real logs) or grouped "
                 "(each campaign's rows together)")
      ->check(CLI::IsMember({"interleaved", "grouped"}))
      ->capture_default_str();
  app.add_option("--campaigns", options.campaigns,
                 "Bulk campaigns per quarter, besides the edge cases (default: 10 per MB of "
                 "--size-mb, at least 8)")
      ->transform(DecimalRange(0, synthetic::kMaxCampaigns));
  app.add_option("--size-mb", options.size_mb,
                 "Approximate total CSV size in MB (10^6 bytes), all quarters together, as "
                 "written without --quirks (quirks add bytes, never rows); greater than 0, at most " +
                     std::to_string(static_cast<uint64_t>(synthetic::kMaxSizeMb)))
      ->capture_default_str();
  app.add_option("--batches", options.batches,
                 "Files per table and quarter over which bulk rows are spread")
      ->transform(DecimalRange(1, synthetic::kMaxBatches))
      ->capture_default_str();
  app.add_flag("--quirks", options.quirks,
               "Spreadsheet quirks in some files: UTF-8 BOM, CRLF, quoted fields, reordered "
               "columns, an extra ignored column, no final newline (same logical rows)");
  app.add_option("--bad-rows", options.bad_rows,
                 "Inject this many unparseable rows (wrong column count, empty, non-numeric or "
                 "too large id, negative or nan revenue), to test bannerc's rejects path")
      ->transform(DecimalRange(0, UINT32_MAX))
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : kExitUsage;
  }
  options.layout = layout == "grouped" ? synthetic::Layout::kGrouped : synthetic::Layout::kInterleaved;

  try {
    const synthetic::Summary summary = synthetic::Generate(options);
    std::printf("bannergen: %llu files, %llu bytes of CSV, %llu campaign lines in %s\n",
                static_cast<unsigned long long>(summary.files),
                static_cast<unsigned long long>(summary.csv_bytes),
                static_cast<unsigned long long>(summary.campaigns),
                (options.out_dir / "manifest.tsv").c_str());
  } catch (const std::invalid_argument& error) {  // an option out of range (--size-mb)
    std::fprintf(stderr, "bannergen: %s\n", error.what());
    return kExitUsage;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "bannergen: %s\n", error.what());
    return kExitIo;
  }
  return 0;
}
