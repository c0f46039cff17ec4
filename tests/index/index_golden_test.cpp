// The bytes of one small index, pinned field by field as index_format.md
// describes them. Round trips cannot catch a writer and reader that change a
// field's order or width together; this test can.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <string_view>

#include "index_reader.h"
#include "index_writer.h"

namespace banner {
namespace {

// Two quarters with lists (1 and 3), a campaign in both, a revenue above
// 2^64 micro-units, and two inputs, one with a non-ASCII path.
std::string GoldenIndex() {
  IndexWriter w(0x0102030405060708);
  InputRecord impressions;
  impressions.path = "1/impressions_1.csv";
  impressions.hash = 0x1122334455667788;
  impressions.kind = FileKind::kImpressions;
  impressions.quarter = 1;
  impressions.rows_read = 6;
  impressions.rows_kept = 5;
  impressions.rows_duplicate = 1;
  w.AddInput(impressions);
  InputRecord clicks;
  clicks.path = "3/clicks_3_caf\xc3\xa9.csv";  // "café", UTF-8
  clicks.hash = 0x99aabbccddeeff00;
  clicks.kind = FileKind::kClicks;
  clicks.quarter = 3;
  clicks.duplicate_file = true;
  clicks.rows_read = 10;
  clicks.rows_kept = 7;
  clicks.rows_duplicate = 2;
  clicks.rows_rejected = 1;
  clicks.unparseable_rows = true;
  w.AddInput(clicks);
  const BannerStats seven[] = {{5, 3, 1500000}, {6, 1, 0}};
  const BannerStats nine[] = {{9, 0, 0}};
  const BannerStats seven_later[] = {{5, 4, (Micros{3} << 64) + 2}};
  w.AddList(1, 7, 1, Rule::kConvertedThenClicks, seven);
  w.AddList(1, 9, 0, Rule::kTopByClicks, nine);
  w.AddList(3, 7, 1, Rule::kConvertedThenClicks, seven_later);
  return w.Finish();
}

// Written from index_format.md, not from the writer's output (except the
// checksum, which the reader verifies below). Spaces separate bytes.
constexpr std::string_view kExpected[] = {
    // Header.
    "42 4e 4e 52 49 44 58 31",  // magic "BNNRIDX1"
    "01 00 00 00",              // format_version 1
    "40 00 00 00",              // header_size 64
    "af 01 00 00 00 00 00 00",  // file_size 431
    "5f 51 65 0d 63 a0 84 45",  // checksum (XXH3-64 of bytes 32..430)
    "08 07 06 05 04 03 02 01",  // seed
    "00 00 00 00 00 00 00 00",  // reserved
    "03 00 00 00",              // campaign_count 3
    "04 00 00 00",              // banner_count 4
    "02 00 00 00",              // input_count 2
    "00 00 00 00",              // reserved
    // Quarter table: first_campaign, campaign_count.
    "00 00 00 00 02 00 00 00",  // quarter 1: 0, 2
    "02 00 00 00 00 00 00 00",  // quarter 2: 2, 0
    "02 00 00 00 01 00 00 00",  // quarter 3: 2, 1
    "03 00 00 00 00 00 00 00",  // quarter 4: 3, 0
    // Campaign records: campaign_id, x, first_banner, banner_count, rule, 0, 0.
    "07 00 00 00 00 00 00 00  01 00 00 00  00 00 00 00  02 00  03  00  00 00 00 00",
    "09 00 00 00 00 00 00 00  00 00 00 00  02 00 00 00  01 00  04  00  00 00 00 00",
    "07 00 00 00 00 00 00 00  01 00 00 00  03 00 00 00  01 00  03  00  00 00 00 00",
    // Banner records: banner_id, clicks, revenue low, revenue high.
    "05 00 00 00 00 00 00 00  03 00 00 00 00 00 00 00",  // banner 5, 3 clicks,
    "60 e3 16 00 00 00 00 00  00 00 00 00 00 00 00 00",  //   1500000 micros
    "06 00 00 00 00 00 00 00  01 00 00 00 00 00 00 00",  // banner 6, 1 click,
    "00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00",  //   0
    "09 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00",  // banner 9, 0 clicks,
    "00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00",  //   0
    "05 00 00 00 00 00 00 00  04 00 00 00 00 00 00 00",  // banner 5, 4 clicks,
    "02 00 00 00 00 00 00 00  03 00 00 00 00 00 00 00",  //   3 * 2^64 + 2 micros
    // Input records: path_length, hash, kind, quarter, duplicate, flags,
    // rows read, kept, duplicate, rejected, path.
    "13 00 00 00  88 77 66 55 44 33 22 11  01  01  00  00",
    "06 00 00 00 00 00 00 00  05 00 00 00 00 00 00 00",
    "01 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00",
    "31 2f 69 6d 70 72 65 73 73 69 6f 6e 73 5f 31 2e 63 73 76",  // 1/impressions_1.csv
    "14 00 00 00  00 ff ee dd cc bb aa 99  02  03  01  01",
    "0a 00 00 00 00 00 00 00  07 00 00 00 00 00 00 00",
    "02 00 00 00 00 00 00 00  01 00 00 00 00 00 00 00",
    "33 2f 63 6c 69 63 6b 73 5f 33 5f 63 61 66 c3 a9 2e 63 73 76",  // 3/clicks_3_café.csv
};

std::string FromHex(std::string_view hex) {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string out;
  for (size_t i = 0; i < hex.size(); ++i) {
    if (hex[i] == ' ') continue;
    out.push_back(static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
    ++i;
  }
  return out;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
    out += ' ';
  }
  return out;
}

}  // namespace

TEST_CASE("a small index is exactly the bytes index_format.md describes") {
  std::string expected;
  for (std::string_view part : kExpected) expected += FromHex(part);
  REQUIRE(expected.size() == 431);
  const std::string actual = GoldenIndex();
  const auto first_difference =
      std::mismatch(actual.begin(), actual.end(), expected.begin(), expected.end()).first - actual.begin();
  CAPTURE(first_difference);
  CHECK(ToHex(actual) == ToHex(expected));

  Status s;
  const bool accepted = IndexReader::FromBytes(actual, &s) != nullptr;  // so the checksum is right
  INFO(s.message());
  CHECK(accepted);
}

}  // namespace banner
