#include "csv_reader.h"

#include <doctest/doctest.h>

namespace banner {
namespace {

// Parses `bytes` as one file in chunks of `chunk_bytes`, as the compiler
// does (a chunk that follows an open tail is parsed with it), lines made
// absolute.
ParsedChunk ParseAll(const std::string& bytes, FileKind kind, size_t chunk_bytes = 1 << 20) {
  CsvReader reader;
  const Status s = CsvReader::Open("t.csv", bytes, kind, &reader);
  INFO(s.message());
  REQUIRE(s.ok());
  ParsedChunk all;
  uint64_t base = reader.header_lines();
  std::string_view open_tail;
  for (const CsvChunk& chunk : reader.Split(chunk_bytes)) {
    ParsedChunk p;
    reader.ParseChunk(open_tail.empty() ? chunk : CsvReader::Continue(open_tail, chunk), &p);
    REQUIRE(p.error.ok());
    open_tail = p.open_tail;
    for (auto r : p.clicks) all.clicks.push_back({r.click_id, r.banner_id, r.campaign_id, r.line + base});
    for (auto r : p.conversions) {
      all.conversions.push_back({r.conversion_id, r.click_id, r.revenue_micros, r.line + base});
    }
    for (auto r : p.impressions) all.impressions.push_back(r);
    for (auto r : p.bad) all.bad.push_back({r.line + base, r.reason, r.text});
    all.rows += p.rows;
    base += p.lines;
  }
  return all;
}

std::string OpenError(const std::string& bytes, FileKind kind) {
  CsvReader reader;
  return CsvReader::Open("t.csv", bytes, kind, &reader).message();
}

}  // namespace

TEST_CASE("columns are matched by name, in any order, extra columns ignored") {
  const ParsedChunk p = ParseAll("campaign_id,note,click_id,banner_id\n7,hello,100,3\n8,x,101,4\n", FileKind::kClicks);
  REQUIRE(p.clicks.size() == 2);
  CHECK(p.clicks[0].click_id == 100);
  CHECK(p.clicks[0].banner_id == 3);
  CHECK(p.clicks[0].campaign_id == 7);
  CHECK(p.clicks[0].line == 2);
  CHECK(p.clicks[1].line == 3);
}

TEST_CASE("spreadsheet files: BOM, CRLF, quoted fields, no final newline") {
  const ParsedChunk p = ParseAll(
      "\xEF\xBB\xBF\"conversion_id\",click_id,revenue\r\n\"1\",\"10\",\"1.5\"\r\n2, 11 ,0.000001", FileKind::kConversions);
  REQUIRE(p.conversions.size() == 2);
  CHECK(p.bad.empty());
  CHECK(p.conversions[0].conversion_id == 1);
  CHECK(p.conversions[0].revenue_micros == 1500000);
  CHECK(p.conversions[1].click_id == 11);
  CHECK(p.conversions[1].revenue_micros == 1);
  CHECK(p.conversions[1].line == 3);
}

TEST_CASE("blank lines carry no row but keep line numbers true") {
  const ParsedChunk p = ParseAll("banner_id,campaign_id\n1,2\n\n\r\n3,4\n", FileKind::kImpressions);
  CHECK(p.rows == 2);
  CHECK(p.impressions.size() == 2);
  const ParsedChunk c = ParseAll("click_id,banner_id,campaign_id\n1,2,3\n\nx,2,3\n", FileKind::kClicks);
  REQUIRE(c.bad.size() == 1);
  CHECK(c.bad[0].line == 4);
}

TEST_CASE("impressions come out as one (campaign, banner) per row, in order") {
  const ParsedChunk p = ParseAll("banner_id,campaign_id\n1,2\n1,2\n1,3\n", FileKind::kImpressions);
  CHECK(p.rows == 3);
  REQUIRE(p.impressions.size() == 3);
  CHECK(p.impressions[0] == CampaignBanner{2, 1});
  CHECK(p.impressions[2] == CampaignBanner{3, 1});
}

TEST_CASE("every kind of unparseable row is rejected with its line, reason and text") {
  struct Case {
    const char* row;
    const char* reason;
  };
  const Case cases[] = {
      {"1,2", "too few columns (a clicks row needs 3)"},
      {"1,2,3,4", "too many columns (the header has 3)"},
      {",2,3", "click_id is empty: ''"},
      {"abc,2,3", "click_id is not a non-negative integer: 'abc'"},
      {"1,-2,3", "banner_id is not a non-negative integer: '-2'"},
      {"1,2,9223372036854775808", "campaign_id is out of range (greater than 2^63-1): '9223372036854775808'"},
      {"1,2,1.5", "campaign_id is not a non-negative integer: '1.5'"},
      {"1, 2 ,\"\"", "campaign_id is empty: ''"},
      {"1,2,\"3\"\"\"", "campaign_id is not a non-negative integer: '3\"'"},
  };
  for (const Case& c : cases) {
    INFO(c.row);
    const ParsedChunk p = ParseAll(std::string("click_id,banner_id,campaign_id\n5,5,5\n") + c.row + "\n6,6,6\n",
                                   FileKind::kClicks);
    REQUIRE(p.bad.size() == 1);
    CHECK(p.bad[0].line == 3);
    CHECK(p.bad[0].reason == c.reason);
    CHECK(p.bad[0].text == c.row);
    CHECK(p.clicks.size() == 2);  // the rows around it still count
  }
  const ParsedChunk ok = ParseAll(
      "click_id,banner_id,campaign_id\n9223372036854775807,0,000000000000000000000000042\n", FileKind::kClicks);
  CHECK(ok.bad.empty());
  CHECK(ok.clicks.at(0).click_id == 9223372036854775807ull);
  CHECK(ok.clicks.at(0).banner_id == 0);
  CHECK(ok.clicks.at(0).campaign_id == 42);  // leading zeros do not count toward the range
  for (const char* big : {"9999999999999999999", "18446744073709551616", "99999999999999999999999"}) {
    const ParsedChunk p = ParseAll(std::string("click_id,banner_id,campaign_id\n") + big + ",1,1\n", FileKind::kClicks);
    REQUIRE(p.bad.size() == 1);
    CHECK(p.bad[0].reason.find("out of range") != std::string::npos);
  }
}

TEST_CASE("bad revenue is rejected with its reason") {
  const char* rows[][2] = {
      {"1,2,-1", "negative revenue: '-1'"},
      {"1,2,nan", "revenue is not a finite decimal number: 'nan'"},
      {"1,2,", "empty revenue: ''"},
      {"1,2,1000000000001", "revenue greater than 10^12: '1000000000001'"},
  };
  for (const auto& r : rows) {
    const ParsedChunk p = ParseAll(std::string("conversion_id,click_id,revenue\n") + r[0] + "\n", FileKind::kConversions);
    REQUIRE(p.bad.size() == 1);
    CHECK(p.bad[0].reason == r[1]);
    CHECK(p.bad[0].line == 2);
  }
}

TEST_CASE("header errors name the file, the line and the missing column") {
  CHECK(OpenError("click_id,campaign_id\n1,2\n", FileKind::kClicks).find("t.csv:1: missing column 'banner_id'") == 0);
  CHECK(OpenError("", FileKind::kClicks).find("t.csv:1: missing header row") == 0);
  CHECK(OpenError("\n", FileKind::kClicks).find("t.csv:1: missing header row") == 0);
  CHECK(OpenError("banner_id,banner_id,campaign_id\n", FileKind::kImpressions).find("appears twice") != std::string::npos);
}

TEST_CASE("chunking changes nothing: same rows, same absolute lines") {
  std::string csv = "click_id,banner_id,campaign_id\n";
  for (int i = 0; i < 5000; ++i) {
    csv += (i % 997 == 0) ? "oops,1,1\n" : std::to_string(i) + "," + std::to_string(i % 13) + ",7\n";
    if (i % 101 == 0) csv += "\n";
  }
  const ParsedChunk whole = ParseAll(csv, FileKind::kClicks);
  for (size_t chunk : {size_t{1}, size_t{64}, size_t{4096}}) {
    const ParsedChunk parts = ParseAll(csv, FileKind::kClicks, chunk);
    REQUIRE(parts.clicks.size() == whole.clicks.size());
    CHECK(parts.clicks.back().line == whole.clicks.back().line);
    REQUIRE(parts.bad.size() == whole.bad.size());
    for (size_t i = 0; i < whole.bad.size(); ++i) CHECK(parts.bad[i].line == whole.bad[i].line);
  }
  CHECK(whole.bad.size() == 6);
}

TEST_CASE("a byte-order mark is only a BOM at the start of the file, wherever chunks begin") {
  const std::string csv = "click_id,banner_id,campaign_id\n1,2,3\n\xEF\xBB\xBF" "4,5,6\n7,8,9\n";
  for (size_t chunk : {size_t{1}, size_t{6}, size_t{1} << 20}) {
    const ParsedChunk p = ParseAll(csv, FileKind::kClicks, chunk);
    CHECK(p.clicks.size() == 2);
    REQUIRE(p.bad.size() == 1);
    CHECK(p.bad[0].line == 3);
  }
}

TEST_CASE("a row holding a NUL byte is rejected, never dropped as blank") {
  const std::string csv = std::string("click_id,banner_id,campaign_id\n1,2,3\n\0,4,5\n4,5,6\0junk\n7,8,9\n", 60);
  for (size_t chunk : {size_t{1}, size_t{1} << 20}) {
    const ParsedChunk p = ParseAll(csv, FileKind::kClicks, chunk);
    CHECK(p.rows == 4);
    CHECK(p.clicks.size() == 2);
    REQUIRE(p.bad.size() == 2);
    CHECK(p.bad[0].line == 3);
    CHECK(p.bad[0].reason == "contains a NUL byte (not a text CSV row)");
    CHECK(p.bad[1].line == 4);
  }
  CHECK(OpenError(std::string("click_id\0,banner_id,campaign_id\n", 32), FileKind::kClicks).find("missing header") !=
        std::string::npos);
}

TEST_CASE("ChunkRecords recovers original records moving forward only") {
  ChunkRecords lines("a,b\r\nc\n\n\"x\r\ny\",\"\n\"\r\nlast");
  CHECK(lines.Get(1) == "a,b");
  CHECK(lines.Get(2) == "c");
  CHECK(lines.Get(3) == "");
  CHECK(lines.Get(4) == "\"x\r\ny\",\"\n\"");
  CHECK(lines.Get(7) == "last");
}

TEST_CASE("quoted line breaks: records span lines, chunk boundaries inside quotes change nothing") {
  const std::string csv =
      "click_id,banner_id,\"campaign\r\n_id\",campaign_id\r\n"  // a header of two lines
      "1,2,\"a\nb\",3\r\n"
      "4,5,\"\",6\r\n"
      "x,5,\"c\r\n\r\nd\",6\r\n"
      "7,8,\"\"\"\n\"\"\",9\r\n"  // doubled quotes around a line break
      "10,11,e,\"12\n\"\r\n";            // an id with a line break: not a number
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{5}, size_t{11}, size_t{1} << 20}) {
    CAPTURE(chunk);
    const ParsedChunk p = ParseAll(csv, FileKind::kClicks, chunk);
    CHECK(p.rows == 5);
    REQUIRE(p.clicks.size() == 3);
    CHECK(p.clicks[0].line == 3);
    CHECK(p.clicks[0].campaign_id == 3);
    CHECK(p.clicks[1].line == 5);
    CHECK(p.clicks[2].line == 9);
    CHECK(p.clicks[2].click_id == 7);
    REQUIRE(p.bad.size() == 2);
    CHECK(p.bad[0].line == 6);
    CHECK(p.bad[0].text == "x,5,\"c\r\n\r\nd\",6");
    CHECK(p.bad[1].line == 11);
    CHECK(p.bad[1].reason == "campaign_id is not a non-negative integer: '12\n'");
  }
}

TEST_CASE("an unclosed quote runs to the end of the file and is one bad row there") {
  const std::string csv = "click_id,banner_id,campaign_id\n1,2,3\n4,\"5,6\n7,8,9\n";
  for (size_t chunk : {size_t{1}, size_t{4}, size_t{1} << 20}) {
    CAPTURE(chunk);
    const ParsedChunk p = ParseAll(csv, FileKind::kClicks, chunk);
    CHECK(p.clicks.size() == 1);
    REQUIRE(p.bad.size() == 1);
    CHECK(p.bad[0].line == 3);
    CHECK(p.bad[0].reason == "unterminated quoted field");
    CHECK(p.bad[0].text == "4,\"5,6\n7,8,9");
  }
}

TEST_CASE("a record of 16 MiB or more is an error at its own line") {
  const std::string csv = "click_id,banner_id,campaign_id\n1,2,3\n" + std::string(16 << 20, '7') + "\n4,5,6\n";
  CsvReader reader;
  REQUIRE(CsvReader::Open("t.csv", csv, FileKind::kClicks, &reader).ok());
  ParsedChunk p;
  reader.ParseChunk(reader.Split(1 << 30).at(0), &p);
  CHECK(!p.error.ok());
  CHECK(p.error_line == 2);
  CHECK(p.clicks.size() == 1);
}

}  // namespace banner
