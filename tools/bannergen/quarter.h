// Quarter: one quarter's output while it is generated. It owns the quarter's
// CSV files (the batch files of each table and the "_late" files, which sort
// after every batch file: "x_1.csv" < "x_1_b2.csv" < "x_1_late.csv"), the
// rows planted in them (planted_rows.h), its Rng and its id allocators. Ids
// never repeat within a quarter; the id ranges differ per quarter, and
// quarter 3 lives above 2^32 and quarter 4 above 2^31, so large ids appear
// in bulk data too.
// Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "csv_writer.h"
#include "input_spec.h"
#include "planted_rows.h"
#include "random.h"
#include "synthetic_data.h"

namespace banner::synthetic {

struct IdRange {
  uint64_t begin, end;
  bool Contains(uint64_t id) const { return id >= begin && id < end; }
};

struct QuarterBases {
  uint64_t banner;
  uint64_t click;
  uint64_t conversion;
};
inline constexpr std::array<QuarterBases, kQuarters> kBases = {{
    {1'000, 1'000'000, 1'000'000},
    {200'000, 500'000'000, 700'000'000},
    {5'000'000'000, 10'000'000'000, 20'000'000'000},
    {400'000, 3'000'000'000, 3'500'000'000},
}};
// Click ids never allocated in any quarter: orphan conversions point here.
inline constexpr uint64_t kUnusedClickBase = 1ull << 62;
// Ids of the rows injected by --bad-rows, should a reader keep part of one.
inline constexpr uint64_t kBadRowIdBase = 1ull << 61;
inline constexpr uint64_t kLargeClickBase = 1ull << 40;

class Quarter {
 public:
  // Creates OUT/csv/{quarter} and opens every file (headers written).
  Quarter(const Options& options, int quarter);

  Rng& rng() { return rng_; }
  const ByteCount& bytes() const { return bytes_; }

  // Planting (edge cases, bad rows): held until the layout writes them.
  PlantedFile& First(Table table) { return first_[table]; }
  PlantedFile& LateClicks() { return late_clicks_planted_; }
  PlantedFile& LateConversions() { return late_conversions_planted_; }
  const std::vector<PlantedRow>& planted() const { return planted_; }

  // Writing (layouts): batch files in path order, and the late files.
  uint32_t batches() const { return static_cast<uint32_t>(batches_[kClicks].size()); }
  CsvWriter& Batch(Table table, uint32_t batch) { return *batches_[table][batch]; }
  CsvWriter& AnyBatch(Table table) { return Batch(table, static_cast<uint32_t>(rng_.Below(batches()))); }
  // REQUIRES: table is kClicks or kConversions (impressions have no late file).
  CsvWriter& Late(Table table) { return table == kClicks ? *late_clicks_ : *late_conversions_; }

  uint64_t NewBanner() { return next_banner_ += rng_.Between(1, 3); }
  // `count` consecutive new banner ids; returns the first.
  uint64_t NewBannerRange(uint64_t count) {
    const uint64_t first = NewBanner();
    next_banner_ += count - 1;
    return first;
  }
  uint64_t NewClick() { return next_click_++; }
  uint64_t NewConversion() { return next_conversion_++; }
  // What NewClick() and NewConversion() have handed out so far.
  IdRange AllocatedClicks() const { return {kBases[quarter_ - 1].click, next_click_}; }
  IdRange AllocatedConversions() const { return {kBases[quarter_ - 1].conversion, next_conversion_}; }
  uint64_t NewLargeClick() { return kLargeClickBase + large_clicks_++; }
  // Counts down from 2^63-1, so the largest id appears in every quarter.
  uint64_t NewLargeConversion() { return kMaxId - large_conversions_++; }
  uint64_t NewUnusedClick() { return kUnusedClickBase + 1000 * quarter_ + unused_clicks_++; }
  uint64_t NewBadRowId() { return kBadRowIdBase + 1000 * quarter_ + bad_row_ids_++; }
  // A click id that exists in another quarter but not in this one (the
  // quarters' click ranges lie billions of ids apart): the first one that
  // quarter writes, in either layout.
  uint64_t ClickOfAnotherQuarter() const { return kBases[quarter_ % kQuarters].click; }

  // Closes every file and copies "clicks_{q}_late.csv" byte for byte to
  // "clicks_{q}_late_copy.csv" (a duplicate file). Returns the file count.
  uint64_t Finish();

 private:
  std::unique_ptr<CsvWriter> Open(Table table, const std::string& suffix,
                                  const FileFormat& format);

  int quarter_;
  std::filesystem::path dir_;
  Rng rng_;
  ByteCount bytes_;
  std::array<std::vector<std::unique_ptr<CsvWriter>>, kTables> batches_;
  std::unique_ptr<CsvWriter> late_clicks_;
  std::unique_ptr<CsvWriter> late_conversions_;
  uint64_t next_banner_;
  uint64_t next_click_;
  uint64_t next_conversion_;
  uint64_t large_clicks_ = 0;
  uint64_t large_conversions_ = 0;
  uint64_t unused_clicks_ = 0;
  uint64_t bad_row_ids_ = 0;
  std::vector<PlantedRow> planted_;
  std::array<PlantedFile, kTables> first_;
  PlantedFile late_clicks_planted_;
  PlantedFile late_conversions_planted_;
};

// A revenue in micro-units: mostly whole cents, as real revenue is, which
// also makes natural ties.
inline uint64_t RandomRevenue(Rng& rng) {
  if (rng.Below(4) != 0) return rng.Between(1, 50'000) * 10'000;
  return rng.Between(1, 1'000 * kMicros);
}

}  // namespace banner::synthetic
