// The CSV reader's fast path for plain records against fast-cpp-csv-parser
// (libfccp), on the same bytes (csv_reader.h):
//  - the reader with its fast path and without it (every record through
//    libfccp's parse_line) give the same rows, bad rows (line, reason, text),
//    impressions, line counts and open tails, on randomized files made of
//    the bytes that matter (quotes, spaces, tabs, CR, LF, NUL, a BOM, points,
//    signs, letters, ids at and beyond 2^63-1, empty fields, wrong column
//    counts) at random chunk sizes;
//  - where no record spans lines, both equal a reference built the way the
//    reader was built before it split records itself: libfccp's LineReader
//    for the lines and parse_line for the fields.
#define CSV_IO_NO_THREAD
#pragma GCC diagnostic push
#ifndef __clang__
#pragma GCC diagnostic ignored "-Wstringop-truncation"
#endif
#include <libfccp/csv.h>
#pragma GCC diagnostic pop

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "csv_reader.h"
#include "id.h"
#include "money.h"

namespace banner {
namespace {

struct Parsed {
  uint64_t lines = 0, rows = 0;
  std::vector<std::tuple<uint64_t, uint64_t, uint64_t, uint64_t>> rows_kept;  // values and line
  std::vector<std::pair<uint64_t, uint64_t>> impressions;                     // sorted
  std::vector<std::tuple<uint64_t, std::string, std::string>> bad;
  bool operator==(const Parsed&) const = default;
};

// The whole body in chunks of `chunk_bytes`, as the compiler reads it.
Parsed ParseWith(const CsvReader& reader, size_t chunk_bytes) {
  Parsed out;
  std::string_view open_tail;
  uint64_t base = reader.header_lines();
  for (const CsvChunk& next : reader.Split(chunk_bytes)) {
    ParsedChunk p;
    reader.ParseChunk(open_tail.empty() ? next : CsvReader::Continue(open_tail, next), &p);
    REQUIRE(p.error.ok());
    open_tail = p.open_tail;
    for (const ClickRow& r : p.clicks) out.rows_kept.emplace_back(r.click_id, r.banner_id, r.campaign_id, r.line + base);
    for (const ConversionRow& r : p.conversions) {
      out.rows_kept.emplace_back(r.conversion_id, r.click_id, r.revenue_micros, r.line + base);
    }
    for (const CampaignBanner& i : p.impressions) out.impressions.emplace_back(i.campaign_id, i.banner_id);
    for (const BadRow& b : p.bad) out.bad.emplace_back(b.line + base, b.reason, b.text);
    out.lines += p.lines;
    out.rows += p.rows;
    base += p.lines;
  }
  CHECK(open_tail.empty());
  std::sort(out.impressions.begin(), out.impressions.end());
  out.impressions.erase(std::unique(out.impressions.begin(), out.impressions.end()), out.impressions.end());
  return out;
}

// The reader as it was before it split records itself (LineReader for the
// lines, the NUL and blank-line rules, parse_line, ParseId, ParseRevenue and
// the same reasons), for bodies without records that span lines.
Parsed LineReaderReference(std::string_view file, FileKind kind) {
  const std::vector<std::string> names =
      kind == FileKind::kImpressions  ? std::vector<std::string>{"banner_id", "campaign_id"}
      : kind == FileKind::kClicks     ? std::vector<std::string>{"click_id", "banner_id", "campaign_id"}
                                      : std::vector<std::string>{"conversion_id", "click_id", "revenue"};
  using Trim = io::trim_chars<' ', '\t'>;
  using Quote = io::double_quote_escape<',', '"'>;
  const size_t header_end = file.find('\n') + 1;
  io::LineReader header_reader("t.csv", file.data(), file.data() + header_end);
  std::vector<int> order;
  if (names.size() == 2) {
    io::detail::parse_header_line<2, Trim, Quote>(header_reader.next_line(), order, names.data(), io::ignore_extra_column);
  } else {
    io::detail::parse_header_line<3, Trim, Quote>(header_reader.next_line(), order, names.data(), io::ignore_extra_column);
  }
  Parsed out;
  const std::string_view body = file.substr(header_end);
  if (body.empty()) return out;
  // Started on the header's line break, as the reader once did: no BOM is
  // stripped inside the body.
  io::LineReader lines("t.csv", body.data() - 1, body.data() + body.size());
  std::vector<std::string_view> raw;  // the body's lines, CR stripped
  for (size_t pos = 0; pos < body.size();) {
    const size_t nl = std::min(body.find('\n', pos), body.size());
    std::string_view line = body.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    raw.push_back(line);
    pos = nl + 1;
  }
  lines.next_line();  // the header's line break
  char* field[3] = {};
  uint64_t value[3] = {};
  for (uint64_t line_no = 1; char* line = lines.next_line(); ++line_no) {
    const uint64_t at = line_no + 1;  // the file's line
    const std::string_view text = raw[line_no - 1];
    auto reject = [&](std::string reason) { out.bad.emplace_back(at, std::move(reason), std::string(text)); };
    if (text.find('\0') != std::string_view::npos) {
      ++out.rows;
      reject("contains a NUL byte (not a text CSV row)");
      continue;
    }
    if (*line == '\0') continue;
    ++out.rows;
    try {
      io::detail::parse_line<Trim, Quote>(line, field, order);
    } catch (const io::error::too_few_columns&) {
      reject("too few columns (a " + std::string(FileKindName(kind)) + " row needs " + std::to_string(names.size()) + ")");
      continue;
    } catch (const io::error::too_many_columns&) {
      reject("too many columns (the header has " + std::to_string(order.size()) + ")");
      continue;
    } catch (const io::error::base&) {
      reject("unterminated quoted field");
      continue;
    }
    const bool has_revenue = kind == FileKind::kConversions;
    const char* error = nullptr;
    size_t bad_column = 0;
    for (size_t c = 0; c < (has_revenue ? 2 : names.size()) && !error; ++c) {
      if (!ParseId(field[c], &value[c], &error)) bad_column = c;
    }
    if (!error && has_revenue && (error = ParseRevenue(field[2], &value[2]))) {
      reject(std::string(error) + ": '" + field[2] + "'");
      continue;
    }
    if (error) {
      reject(names[bad_column] + " " + error + ": '" + field[bad_column] + "'");
      continue;
    }
    if (kind == FileKind::kImpressions) {
      out.impressions.emplace_back(value[1], value[0]);
    } else {
      out.rows_kept.emplace_back(value[0], value[1], value[2], at);
    }
  }
  out.lines = raw.size();
  std::sort(out.impressions.begin(), out.impressions.end());
  out.impressions.erase(std::unique(out.impressions.begin(), out.impressions.end()), out.impressions.end());
  return out;
}

// A line break inside quotes anywhere in the body (the reference cannot
// read those).
bool HasQuotedLineBreak(std::string_view body) {
  bool quoted = false;
  for (char c : body) {
    if (c == '"') quoted = !quoted;
    if (c == '\n' && quoted) return true;
  }
  return false;
}

// Fields that are plain most of the time, and every kind of exception.
std::string RandomField(std::mt19937_64& rng, bool revenue) {
  static const char* const kOdd[] = {
      "",      " 12",  "7 ",     "\t5",   "\"7\"",  "\"1\"\"2\"", "\"",      "a\"b",   "x",      "-1",
      "1.5",   "nan",  "1e5",    "+3",    "0",      "00000000000000000042", "9223372036854775807",
      "9223372036854775808",     "18446744073709551616", "99999999999999999999", "1234567890123456789",
      "\xEF\xBB\xBF" "3",        "12\r3", "1000000000000",
      "1000000000001", "0.0000001", "0.1000000", ".5", "5.", ".", "3.14159265",
  };
  switch (rng() % 10) {
    case 0:
      if (rng() % 8 == 0) return std::string("1\0" "2", 3);
      return kOdd[rng() % std::size(kOdd)];
    case 1:
      return std::to_string(rng() % 1000) + "." + std::to_string(rng() % 1000000);
    default: {
      std::string digits = std::to_string(rng() >> (rng() % 64));
      if (revenue && rng() % 2) digits += "." + std::to_string(rng() % 1000);
      return digits;
    }
  }
}

std::string RandomFile(std::mt19937_64& rng, FileKind kind, bool* extra_column) {
  std::vector<std::string> header =
      kind == FileKind::kImpressions  ? std::vector<std::string>{"banner_id", "campaign_id"}
      : kind == FileKind::kClicks     ? std::vector<std::string>{"click_id", "banner_id", "campaign_id"}
                                      : std::vector<std::string>{"conversion_id", "click_id", "revenue"};
  *extra_column = rng() % 3 == 0;
  if (*extra_column) header.insert(header.begin() + static_cast<long>(rng() % (header.size() + 1)), "note");
  std::shuffle(header.begin(), header.end(), rng);
  std::string file = rng() % 4 == 0 ? "\xEF\xBB\xBF" : "";
  for (size_t i = 0; i < header.size(); ++i) {
    file += (i ? "," : "") + (rng() % 5 == 0 ? "\"" + header[i] + "\"" : header[i]);
  }
  file += rng() % 3 == 0 ? "\r\n" : "\n";
  const int records = static_cast<int>(rng() % 40);
  for (int r = 0; r < records; ++r) {
    if (rng() % 12 == 0) {  // blank lines, or only a CR
      file += rng() % 2 ? "\n" : "\r\n";
      continue;
    }
    size_t columns = header.size();
    if (rng() % 15 == 0) columns += rng() % 2 ? 1 : -1;
    for (size_t c = 0; c < columns; ++c) {
      if (c) file += ',';
      const bool is_revenue = c < header.size() && header[c] == "revenue";
      if (c < header.size() && header[c] == "note") {
        const char* const kNotes[] = {"web", "", "a b", "\"q, \"\"x\"\"\"", "\"line\nbreak\"", "\t", "z\r"};
        file += kNotes[rng() % std::size(kNotes)];
      } else {
        file += RandomField(rng, is_revenue);
      }
    }
    const char* const kEnds[] = {"\n", "\n", "\n", "\r\n", "\r\r\n", "\r"};
    if (r + 1 < records || rng() % 2) file += kEnds[rng() % std::size(kEnds)];
  }
  return file;
}

}  // namespace

TEST_CASE("the fast path for plain records gives libfccp's results on every input") {
  std::mt19937_64 rng(20261201);
  size_t compared_with_line_reader = 0, with_fast_rows = 0;
  for (int round = 0; round < 3000; ++round) {
    CAPTURE(round);
    const FileKind kind = static_cast<FileKind>(1 + round % 3);
    bool extra_column = false;
    const std::string file = RandomFile(rng, kind, &extra_column);
    CAPTURE(file);
    CsvReader fast, slow;
    const Status opened = CsvReader::Open("t.csv", file, kind, &fast);
    REQUIRE(opened.ok());
    REQUIRE(CsvReader::Open("t.csv", file, kind, &slow).ok());
    slow.set_plain_fast_path(false);
    const size_t chunk = 1 + rng() % 64;
    const Parsed expected = ParseWith(slow, 1 << 20);
    CHECK(ParseWith(fast, 1 << 20) == expected);
    CHECK(ParseWith(fast, chunk) == expected);
    CHECK(ParseWith(slow, chunk) == expected);
    with_fast_rows += !expected.rows_kept.empty() || !expected.impressions.empty();

    const std::string_view body = std::string_view(file).substr(file.find('\n') + 1);
    if (!HasQuotedLineBreak(body)) {
      CHECK(LineReaderReference(file, kind) == expected);
      ++compared_with_line_reader;
    }
  }
  // The generator must reach both sides of the comparison often.
  CHECK(compared_with_line_reader > 1500);
  CHECK(with_fast_rows > 1500);
}

}  // namespace banner
