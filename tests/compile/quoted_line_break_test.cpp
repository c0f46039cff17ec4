// RFC 4180 line breaks inside quoted fields (SPEC section 2, issue 10 item
// 3), through the whole compile: records split where the quotes say, at any
// chunk size (so that chunk boundaries fall inside quoted fields), with true
// line numbers and texts for rejected rows; a header cell with a line break
// is read, an unclosed quote in the header is a clear error.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "compiler.h"
#include "test_support.h"

namespace banner {
namespace {

using test::CompileOk;
using test::Lists;
using test::TempDir;
using test::WriteFile;

// Rows whose extra columns hold line breaks (LF, CRLF, blank lines), doubled
// quotes and commas inside quotes; one bad row spans two lines (7 and 8).
constexpr const char* kClicks =
    "click_id,banner_id,campaign_id,note\n"
    "1,10,7,\"first\nsecond\"\n"
    "2,11,7,plain\n"
    "3,12,7,\"a \"\"quoted\"\" word, a comma\r\nand CRLF\"\n"
    "bad,1,1,\"x\ny\"\n"
    "4,10,8,\"\"\n"
    "5,13,7,\"\n\n\"\n";
constexpr const char* kConversions =
    "conversion_id,click_id,revenue,comment\r\n"
    "1,1,2.5,\"great\r\nsale\"\r\n"
    "2,3,1.0,x\r\n";
constexpr const char* kImpressions =
    "\"banner\nnote\",banner_id,campaign_id\n"
    "\"multi\n\nline\",14,7\n"
    "x,10,8\n";

// The same rows without the extra columns (and without the bad row).
void WritePlain(const TempDir& d) {
  WriteFile(d / "1/clicks_1.csv",
            "click_id,banner_id,campaign_id\n1,10,7\n2,11,7\n3,12,7\n4,10,8\n5,13,7\n");
  WriteFile(d / "1/conversions_1.csv", "conversion_id,click_id,revenue\n1,1,2.5\n2,3,1.0\n");
  WriteFile(d / "1/impressions_1.csv", "banner_id,campaign_id\n14,7\n10,8\n");
}

void WriteQuoted(const TempDir& d) {
  WriteFile(d / "1/clicks_1.csv", kClicks);
  WriteFile(d / "1/conversions_1.csv", kConversions);
  WriteFile(d / "1/impressions_1.csv", kImpressions);
}

const FileReport& Report(const CompileResult& r, const std::string& path) {
  for (const FileReport& f : r.files) {
    if (f.record.path == path) return f;
  }
  FAIL("no report for " << path);
  return r.files.front();
}

}  // namespace

TEST_CASE("quoted fields may hold line breaks, wherever the chunks split the file") {
  TempDir plain, quoted;
  WritePlain(plain);
  WriteQuoted(quoted);
  const auto expected = Lists(CompileOk(plain.path()));
  REQUIRE(expected.size() == 2);

  for (const size_t chunk_bytes : {size_t{1}, size_t{3}, size_t{8}, size_t{17}, size_t{64}, size_t{4} << 20}) {
    for (const unsigned threads : {1u, 2u}) {
      CAPTURE(chunk_bytes);
      CAPTURE(threads);
      CompileOptions o;
      o.chunk_bytes = chunk_bytes;
      o.threads = threads;
      o.reject_bad_rows = true;
      struct Seen {
        uint64_t line;
        std::string reason, text;
      };
      std::vector<Seen> rejected;
      o.on_reject = [&](const RejectedRow& row) {
        rejected.push_back({row.line, row.reason, std::string(row.text)});
      };
      const CompileResult r = CompileOk(quoted.path(), o);
      CHECK(Lists(r) == expected);
      REQUIRE(rejected.size() == 1);
      CHECK(rejected[0].line == 7);
      CHECK(rejected[0].reason == "click_id is not a non-negative integer: 'bad'");
      CHECK(rejected[0].text == "bad,1,1,\"x\ny\"");
      const InputRecord& clicks = Report(r, "1/clicks_1.csv").record;
      CHECK(clicks.rows_read == 6);
      CHECK(clicks.rows_kept == 5);
      CHECK(Report(r, "1/conversions_1.csv").record.rows_kept == 2);
      CHECK(Report(r, "1/impressions_1.csv").record.rows_read == 2);
    }
  }
}

TEST_CASE("a bad row after multi-line records fails the build at its own line") {
  TempDir d;
  WriteQuoted(d);
  CompileOptions o;
  o.input_dir = d.path();
  o.chunk_bytes = 5;
  CompileResult r;
  const Status s = Compile(o, &r);
  REQUIRE(!s.ok());
  REQUIRE(r.bad_row_examples.size() == 1);
  CHECK(r.bad_row_examples[0] == "1/clicks_1.csv:7: click_id is not a non-negative integer: 'bad'");
}

TEST_CASE("a header cell with a line break is read; an unclosed quote in the header is a clear error") {
  TempDir d;
  WriteFile(d / "1/clicks_1.csv", "click_id,banner_id,\"campaign_id\",\"my\r\nnote\"\r\n1,10,7,a\r\nx,1,1,b\r\n");
  std::vector<uint64_t> lines;
  CompileOptions o;
  o.reject_bad_rows = true;
  o.on_reject = [&](const RejectedRow& row) { lines.push_back(row.line); };
  const CompileResult r = CompileOk(d.path(), o);
  CHECK(r.lists[0].size() == 1);
  CHECK(lines == std::vector<uint64_t>{4});

  for (const char* header : {"click_id,banner_id,campaign_id,\"note\n1,10,7,a\n",
                             "click_id,\"banner_id,campaign_id\n", "\"click_id"}) {
    CAPTURE(header);
    TempDir bad;
    WriteFile(bad / "1/clicks_1.csv", header);
    CompileOptions b;
    b.input_dir = bad.path();
    CompileResult br;
    const std::string message = Compile(b, &br).message();
    CHECK(message.find("1/clicks_1.csv:1: ") == 0);
    CHECK(message.find("never closed") != std::string::npos);
    CHECK(message.find("Escaped string") == std::string::npos);
    CHECK(message.find("line -1") == std::string::npos);
  }

  TempDir broken_name;
  WriteFile(broken_name / "1/clicks_1.csv", "\"click\n_id\",banner_id,campaign_id\n1,10,7\n");
  CompileOptions b;
  b.input_dir = broken_name.path();
  CompileResult br;
  CHECK(Compile(b, &br).message().find("1/clicks_1.csv:1: missing column 'click_id'") == 0);
}

}  // namespace banner
