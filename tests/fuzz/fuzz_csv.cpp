// Fuzzes CSV reading: CsvReader::Open, Split and ParseChunk on arbitrary bytes.
//
// Input: byte 0 picks the file kind (low 2 bits) and a chunk size (the high
// 6 bits: 1, 17, 33, ... 1009 bytes); the rest is the whole file. Besides ASan/UBSan,
// it checks what the compiler relies on:
//  - Open either refuses with "fuzz.csv:1: ..." or accepts;
//  - Split tiles the body exactly, each chunk but the last ending in '\n';
//  - parsing the body in small chunks (a chunk after an open tail parsed with
//    it, as the compiler does) gives the same rows, bad rows (with the same
//    global line numbers and text) and impressions as one big chunk;
//  - every row is accounted for: data rows = kept + bad, and every id and
//    revenue is in range;
//  - no non-blank record is dropped, and a rejected row carries its record's
//    text, records found by an independent quote-aware splitter here;
//  - the fast path for plain records changes nothing: a reader with it
//    turned off (every record through libfccp) gives the same results.
// The NUL and BOM bugs this fuzzer found are fixed (1fda106); their inputs
// are in regressions/fuzz_csv/.
#include <algorithm>
#include <cstdint>
#include <map>
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

// Lines of `bytes`: its line breaks, and one more if it does not end in one.
uint64_t LineCount(std::string_view bytes) {
  const uint64_t newlines = static_cast<uint64_t>(std::count(bytes.begin(), bytes.end(), '\n'));
  return newlines + (!bytes.empty() && bytes.back() != '\n' ? 1 : 0);
}

// Parses the chunks in order, a chunk after an open tail together with it,
// and shifts their local line numbers to lines of the body, as the compiler
// does.
Totals ParseAll(const CsvReader& reader, const std::vector<CsvChunk>& chunks, FileKind kind) {
  Totals t;
  std::string_view open_tail;
  for (const CsvChunk& next : chunks) {
    const CsvChunk chunk = open_tail.empty() ? next : CsvReader::Continue(open_tail, next);
    ParsedChunk p;
    reader.ParseChunk(chunk, &p);
    FUZZ_CHECK(p.error.ok());  // only records over 16 MiB, never this small
    FUZZ_CHECK(p.rows <= p.lines);
    // The tail is the chunk's end, and the lines before it are the chunk's.
    FUZZ_CHECK(p.open_tail.empty() || p.open_tail.data() + p.open_tail.size() == chunk.bytes.data() + chunk.bytes.size());
    FUZZ_CHECK(p.lines == LineCount(chunk.bytes.substr(0, chunk.bytes.size() - p.open_tail.size())));
    open_tail = p.open_tail;
    // Kept + bad = rows.
    const uint64_t kept = kind == FileKind::kClicks ? p.clicks.size()
                          : kind == FileKind::kConversions ? p.conversions.size()
                                                           : 0;
    if (kind == FileKind::kImpressions) {
      FUZZ_CHECK(p.clicks.empty() && p.conversions.empty());
      FUZZ_CHECK(p.impressions.size() + p.bad.size() == p.rows);
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
      t.bad.push_back(b);
      t.bad.back().line += t.lines;
    }
    t.lines += p.lines;
    t.rows += p.rows;
  }
  FUZZ_CHECK(open_tail.empty());  // the body's last chunk parses what is left
  std::sort(t.impressions.begin(), t.impressions.end());
  t.impressions.erase(std::unique(t.impressions.begin(), t.impressions.end()), t.impressions.end());
  return t;
}

// Records, by hand, independently of the reader: a line break ends one
// unless an odd number of quotes came before it in the record; an unclosed
// quote runs to the end (a final line break still ends its last line); the
// CR before the final line break of a non-empty last line goes.
struct SplitRecord {
  uint64_t line;          // the line it starts on, from 1
  std::string_view text;
  size_t next;            // offset of the next record
};
std::vector<SplitRecord> SplitRecords(std::string_view bytes) {
  std::vector<SplitRecord> records;
  uint64_t line = 1;
  size_t start = 0;
  bool quoted = false;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '"') quoted = !quoted;
    const bool last = i + 1 == bytes.size();
    if ((bytes[i] != '\n' || quoted) && !last) continue;
    std::string_view text = bytes.substr(start, i + 1 - start);
    if (text.back() == '\n') text.remove_suffix(1);
    const size_t break_before = text.rfind('\n');
    const size_t last_line_start = break_before == std::string_view::npos ? 0 : break_before + 1;
    if (text.size() > last_line_start && text.back() == '\r') text.remove_suffix(1);
    records.push_back({line, text, i + 1});
    line += static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    start = i + 1;
  }
  return records;
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

bool Same(const Totals& a, const Totals& b) {
  return a.lines == b.lines && a.rows == b.rows &&
         std::equal(a.clicks.begin(), a.clicks.end(), b.clicks.begin(), b.clicks.end(), SameClicks) &&
         std::equal(a.conversions.begin(), a.conversions.end(), b.conversions.begin(), b.conversions.end(),
                    SameConversions) &&
         std::equal(a.bad.begin(), a.bad.end(), b.bad.begin(), b.bad.end(), SameBad) && a.impressions == b.impressions;
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
  const std::vector<SplitRecord> header = SplitRecords(file);
  FUZZ_CHECK(!header.empty());
  FUZZ_CHECK(reader.header_lines() == (header.size() > 1 ? header[1].line - 1 : LineCount(file)));
  const std::string_view body = file.substr(header[0].next);

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
  CsvReader libfccp_only = reader;
  libfccp_only.set_plain_fast_path(false);
  FUZZ_CHECK(Same(ParseAll(libfccp_only, chunks, kind), whole));
  FUZZ_CHECK(Same(small, whole));

  // No row silently dropped: every non-blank record of the body is a row,
  // and a rejected row carries its own record's original text.
  uint64_t non_blank = 0;
  std::map<uint64_t, std::string_view> records;  // by the line they start on
  for (const SplitRecord& r : SplitRecords(body)) {
    non_blank += !r.text.empty();
    records[r.line] = r.text;
  }
  FUZZ_CHECK(whole.rows == non_blank);
  FUZZ_CHECK(whole.lines == LineCount(body));
  for (const BadRow& b : whole.bad) FUZZ_CHECK(records.count(b.line) == 1 && b.text == records[b.line]);
  return 0;
}
