// Fuzzes CSV reading: CsvReader::Open, Split and ParseChunk on arbitrary bytes.
//
// Input: byte 0 picks the file kind (low 2 bits) and a chunk size (the high
// 6 bits: 1, 17, 33, ... 1009 bytes); the rest is the whole file. Besides ASan/UBSan,
// it checks what the compiler relies on:
//  - Open either refuses with "fuzz.csv:1: ..." or accepts;
//  - Split tiles the body exactly, each chunk but the last ending in '\n';
//  - parsing the body in small chunks gives the same rows, bad rows (with the
//    same global line numbers and text) and impressions as one big chunk;
//  - every row is accounted for: data rows = kept + bad, and every id and
//    revenue is in range;
//  - no non-blank line is dropped (a blank line is empty, or just "\r").
// The NUL and BOM bugs this fuzzer found are fixed (1fda106); their inputs
// are in regressions/fuzz_csv/.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "csv_reader.h"
#include "money.h"
#include "fuzz_check.h"

namespace {

using namespace banner;

constexpr uint64_t kMaxId = (uint64_t{1} << 63) - 1;

struct Totals {
  uint64_t lines = 0, rows = 0;
  std::vector<ClickRow> clicks;
  std::vector<ConversionRow> conversions;
  std::vector<std::pair<uint64_t, uint64_t>> impressions;  // (campaign, banner), sorted, unique
  std::vector<BadRow> bad;
};

// Parses the chunks in order and shifts their local line numbers to lines
// of the body, as the compiler does.
Totals ParseAll(const CsvReader& reader, const std::vector<CsvChunk>& chunks, FileKind kind) {
  Totals t;
  for (const CsvChunk& chunk : chunks) {
    ParsedChunk p;
    reader.ParseChunk(chunk, &p);
    FUZZ_CHECK(p.error.ok());  // only lines over 16 MiB, never this small
    FUZZ_CHECK(p.rows <= p.lines);
    const uint64_t newlines = static_cast<uint64_t>(std::count(chunk.bytes.begin(), chunk.bytes.end(), '\n'));
    const bool open_end = !chunk.bytes.empty() && chunk.bytes.back() != '\n';
    FUZZ_CHECK(p.lines == newlines + (open_end ? 1 : 0));
    // Kept + bad = rows.
    const uint64_t kept = kind == FileKind::kClicks ? p.clicks.size()
                          : kind == FileKind::kConversions ? p.conversions.size()
                                                           : 0;
    if (kind == FileKind::kImpressions) {
      FUZZ_CHECK(p.clicks.empty() && p.conversions.empty());
      FUZZ_CHECK(p.impressions.size() + p.bad.size() <= p.rows);
      FUZZ_CHECK(p.bad.size() <= p.rows);
    } else {
      FUZZ_CHECK(p.impressions.empty());
      FUZZ_CHECK(kept + p.bad.size() == p.rows);
    }
    for (const auto& c : p.clicks) {
      FUZZ_CHECK(c.click_id <= kMaxId && c.banner_id <= kMaxId && c.campaign_id <= kMaxId);
      FUZZ_CHECK(c.line >= 1 && c.line <= p.lines);
      t.clicks.push_back(c);
      t.clicks.back().line += t.lines;
    }
    for (const auto& c : p.conversions) {
      FUZZ_CHECK(c.conversion_id <= kMaxId && c.click_id <= kMaxId);
      FUZZ_CHECK(c.revenue_micros <= kMaxRevenueMicros);
      FUZZ_CHECK(c.line >= 1 && c.line <= p.lines);
      t.conversions.push_back(c);
      t.conversions.back().line += t.lines;
    }
    for (const auto& i : p.impressions) {
      FUZZ_CHECK(i.campaign_id <= kMaxId && i.banner_id <= kMaxId);
      t.impressions.emplace_back(i.campaign_id, i.banner_id);
    }
    uint64_t previous_bad = 0;
    for (const auto& b : p.bad) {
      FUZZ_CHECK(b.line >= 1 && b.line <= p.lines);
      FUZZ_CHECK(b.line > previous_bad);  // in line order, one reason per line
      previous_bad = b.line;
      FUZZ_CHECK(!b.reason.empty());
      FUZZ_CHECK(b.text.find('\n') == std::string::npos);
      t.bad.push_back(b);
      t.bad.back().line += t.lines;
    }
    t.lines += p.lines;
    t.rows += p.rows;
  }
  std::sort(t.impressions.begin(), t.impressions.end());
  t.impressions.erase(std::unique(t.impressions.begin(), t.impressions.end()), t.impressions.end());
  return t;
}

bool SameClicks(const ClickRow& a, const ClickRow& b) {
  return a.click_id == b.click_id && a.banner_id == b.banner_id && a.campaign_id == b.campaign_id &&
         a.line == b.line;
}
bool SameConversions(const ConversionRow& a, const ConversionRow& b) {
  return a.conversion_id == b.conversion_id && a.click_id == b.click_id &&
         a.revenue_micros == b.revenue_micros && a.line == b.line;
}
bool SameBad(const BadRow& a, const BadRow& b) {
  return a.line == b.line && a.reason == b.reason && a.text == b.text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const FileKind kind = static_cast<FileKind>(1 + (data[0] & 3) % 3);
  const size_t chunk_bytes = 1 + static_cast<size_t>(data[0] >> 2) * 16;
  const std::string_view file(reinterpret_cast<const char*>(data) + 1, size - 1);

  CsvReader reader;
  const Status open = CsvReader::Open("fuzz.csv", file, kind, &reader);
  if (!open.ok()) {
    FUZZ_CHECK(open.message().rfind("fuzz.csv:1: ", 0) == 0);
    return 0;
  }
  const size_t newline = file.find('\n');
  const std::string_view body = newline == std::string_view::npos ? std::string_view() : file.substr(newline + 1);

  // Split tiles the body.
  const std::vector<CsvChunk> chunks = reader.Split(chunk_bytes);
  size_t offset = 0;
  for (size_t i = 0; i < chunks.size(); ++i) {
    const std::string_view c = chunks[i].bytes;
    FUZZ_CHECK(!c.empty());
    FUZZ_CHECK(c.data() == body.data() + offset);
    FUZZ_CHECK(i + 1 == chunks.size() || c.back() == '\n');
    offset += c.size();
  }
  FUZZ_CHECK(offset == body.size());
  const std::vector<CsvChunk> one = reader.Split(size_t{1} << 30);
  FUZZ_CHECK(one.size() == (body.empty() ? 0u : 1u));

  const Totals small = ParseAll(reader, chunks, kind);
  const Totals whole = ParseAll(reader, one, kind);
  FUZZ_CHECK(small.lines == whole.lines);
  FUZZ_CHECK(small.rows == whole.rows);
  FUZZ_CHECK(std::equal(small.clicks.begin(), small.clicks.end(), whole.clicks.begin(), whole.clicks.end(),
                        SameClicks));
  FUZZ_CHECK(std::equal(small.conversions.begin(), small.conversions.end(), whole.conversions.begin(),
                        whole.conversions.end(), SameConversions));
  FUZZ_CHECK(std::equal(small.bad.begin(), small.bad.end(), whole.bad.begin(), whole.bad.end(), SameBad));
  FUZZ_CHECK(small.impressions == whole.impressions);

  // No row silently dropped: every non-blank line of the body is a row.
  uint64_t non_blank = 0;
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < body.size()) {
    const size_t nl = body.find('\n', pos);
    std::string_view line = body.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) ++non_blank;
    lines.push_back(line);
    pos = nl == std::string_view::npos ? body.size() : nl + 1;
  }
  FUZZ_CHECK(whole.rows == non_blank);
  FUZZ_CHECK(whole.lines == lines.size());
  // A rejected row carries its own line's original text.
  for (const BadRow& b : whole.bad) FUZZ_CHECK(b.text == lines[b.line - 1]);
  return 0;
}
