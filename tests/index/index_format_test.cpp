// The record codecs of index_format.h, one record at a time: sizes, round
// trips at extreme values, and the input record refusing what it cannot
// decode. (The exact bytes of a whole index: index_golden_test.cpp.)
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <utility>

#include "index_format.h"

namespace banner {
namespace {

template <typename R>
std::string Encoded(const R& record) {
  std::string out;
  record.EncodeTo(&out);
  return out;
}

template <typename R>
R Decoded(const std::string& bytes) {
  R record;
  record.DecodeFrom(bytes.data());
  return record;
}

// Every field set, so that a field the codec dropped or moved shows.
IndexHeader FullHeader() {
  IndexHeader h;
  h.file_size = 0x1111111111111111;
  h.checksum = 0x2222222222222222;
  h.seed = ~uint64_t{0};
  h.campaign_count = 0x33333333;
  h.banner_count = 0x44444444;
  h.input_count = 0xffffffff;
  return h;
}

InputRecord FullInput(std::string path) {
  InputRecord in;
  in.path = std::move(path);
  in.hash = 0x0123456789abcdef;
  in.kind = FileKind::kConversions;
  in.quarter = 4;
  in.duplicate_file = true;
  in.unparseable_rows = true;
  in.rows_read = ~uint64_t{0};
  in.rows_kept = 1;
  in.rows_duplicate = uint64_t{1} << 40;
  in.rows_rejected = 7;
  return in;
}

}  // namespace

TEST_CASE("the fixed-size records encode to their declared sizes and decode back") {
  const IndexHeader header = FullHeader();
  CHECK(Encoded(header).size() == IndexHeader::kEncodedSize);
  CHECK(Decoded<IndexHeader>(Encoded(header)) == header);
  CHECK(Decoded<IndexHeader>(Encoded(IndexHeader{})) == IndexHeader{});

  const QuarterEntry entry{0xfffffffe, 0x12345678};
  CHECK(Encoded(entry).size() == QuarterEntry::kEncodedSize);
  CHECK(Decoded<QuarterEntry>(Encoded(entry)) == entry);

  const CampaignRecord campaign{(uint64_t{1} << 63) - 1, 0xffffffff, 0x87654321, 0xffff,
                                Rule::kAllConvertedByRevenue};
  CHECK(Encoded(campaign).size() == CampaignRecord::kEncodedSize);
  CHECK(Decoded<CampaignRecord>(Encoded(campaign)) == campaign);

  const BannerStats banner{~uint64_t{0}, uint64_t{1} << 63, ~Micros{0} - 1};
  CHECK(Encoded(banner).size() == BannerStats::kEncodedSize);
  CHECK(Decoded<BannerStats>(Encoded(banner)) == banner);
}

TEST_CASE("a campaign record decodes any rule byte, for the reader to judge") {
  for (uint8_t rule : {0, 5, 255}) {
    CampaignRecord c;
    c.rule = static_cast<Rule>(rule);
    CHECK(static_cast<uint8_t>(Decoded<CampaignRecord>(Encoded(c)).rule) == rule);
    CHECK_FALSE(IsValidRule(rule));
  }
}

TEST_CASE("SealIndex fills in exactly the header's file size and checksum") {
  IndexHeader header = FullHeader();
  std::string image = Encoded(header) + "the rest of the file";
  SealIndex(&image);
  const IndexHeader sealed = Decoded<IndexHeader>(image);
  CHECK(sealed.file_size == image.size());
  CHECK(sealed.checksum == IndexChecksum(image));
  header.file_size = sealed.file_size;
  header.checksum = sealed.checksum;
  CHECK(sealed == header);
  CHECK(image.substr(IndexHeader::kEncodedSize) == "the rest of the file");

  // The checksum covers everything after its own field, and nothing before.
  std::string changed = image;
  changed[IndexHeader::kChecksumOffset + 8] ^= 1;
  CHECK(IndexChecksum(changed) != IndexChecksum(image));
  changed = image;
  changed[IndexHeader::kFileSizeOffset] ^= 1;
  CHECK(IndexChecksum(changed) == IndexChecksum(image));
}

TEST_CASE("input records round-trip one after another, paths any bytes") {
  const InputRecord a = FullInput("3/conversions_3_\xe2\x82\xac.csv");  // a euro sign
  const InputRecord b = FullInput("");
  const std::string bytes = Encoded(a) + Encoded(b) + "tail";
  CHECK(Encoded(a).size() == InputRecord::kFixedSize + a.path.size());
  std::string_view rest = bytes;
  InputRecord got;
  REQUIRE(got.DecodeFrom(&rest));
  CHECK(got == a);
  REQUIRE(got.DecodeFrom(&rest));
  CHECK(got == b);
  CHECK(rest == "tail");
}

TEST_CASE("an input record that is cut short or unknown is refused, the input untouched") {
  const std::string good = Encoded(FullInput("1/clicks_1.csv"));
  for (size_t n = 0; n < good.size(); ++n) {
    CAPTURE(n);
    std::string_view input(good.data(), n);
    InputRecord in;
    CHECK_FALSE(in.DecodeFrom(&input));
    CHECK(input.size() == n);
  }

  for (auto [kind, quarter] : {std::pair{0, 1}, {4, 1}, {1, 0}, {1, 5}}) {
    CAPTURE(kind);
    CAPTURE(quarter);
    InputRecord unknown = FullInput("1/clicks_1.csv");
    unknown.kind = static_cast<FileKind>(kind);
    unknown.quarter = quarter;
    const std::string bad = Encoded(unknown);
    std::string_view input = bad;
    InputRecord in;
    CHECK_FALSE(in.DecodeFrom(&input));
    CHECK(input.size() == bad.size());
  }
}

}  // namespace banner
