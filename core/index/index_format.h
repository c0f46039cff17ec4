// What the index writer and reader share, as LevelDB's table/format.h: the
// magic number and version, and one struct per record of the file with its
// EncodeTo/DecodeFrom, so that the two sides cannot drift apart. The layout in
// prose, field by field, is index_format.md; keep the two in step
// (tests/index/index_golden_test.cpp pins every byte of a small index).
//
// The records are plain values. Decoding a fixed-size record only interprets
// its bytes: whether the values make sense together (counts in range, a known
// rule) is the reader's check. The input record bounds its own variable size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "coding.h"
#include "money.h"

namespace banner {

inline constexpr uint64_t kIndexMagic = 0x31584449524e4e42ull;  // "BNNRIDX1" little-endian
inline constexpr uint32_t kIndexFormatVersion = 1;
inline constexpr int kQuarters = 4;
inline constexpr size_t kMaxListLength = 10;

// The rule of SPEC section 3 that produced a campaign's list.
enum class Rule : uint8_t {
  kTop10ByRevenue = 1,       // X >= 10
  kAllConvertedByRevenue = 2,  // 5 <= X <= 9
  kConvertedThenClicks = 3,  // 1 <= X <= 4
  kTopByClicks = 4,          // X == 0
};

inline constexpr bool IsValidRule(uint8_t r) { return r >= 1 && r <= 4; }
std::string_view RuleName(Rule rule);

// Which table a CSV file holds; stored in the input records.
enum class FileKind : uint8_t { kImpressions = 1, kClicks = 2, kConversions = 3 };
std::string_view FileKindName(FileKind kind);

// The header: the first bytes of the file.
struct IndexHeader {
  static constexpr size_t kEncodedSize = 64;
  // The two fields SealIndex fills in once the rest of the image is written.
  static constexpr size_t kFileSizeOffset = 16;
  static constexpr size_t kChecksumOffset = 24;

  uint64_t magic = kIndexMagic;
  uint32_t format_version = kIndexFormatVersion;
  uint32_t header_size = kEncodedSize;
  uint64_t file_size = 0;
  uint64_t checksum = 0;  // IndexChecksum of the image
  uint64_t seed = 0;      // of the random fill the lists were built with
  uint32_t campaign_count = 0;
  uint32_t banner_count = 0;
  uint32_t input_count = 0;

  bool operator==(const IndexHeader&) const = default;
  void EncodeTo(std::string* dst) const;
  // REQUIRES: kEncodedSize bytes at `p`.
  void DecodeFrom(const char* p);
};

// One entry of the quarter table, which follows the header: where a quarter's
// campaign records start and how many there are.
struct QuarterEntry {
  static constexpr size_t kEncodedSize = 8;

  uint32_t first_campaign = 0;
  uint32_t campaign_count = 0;

  bool operator==(const QuarterEntry&) const = default;
  void EncodeTo(std::string* dst) const;
  // REQUIRES: kEncodedSize bytes at `p`.
  void DecodeFrom(const char* p);
};

inline constexpr size_t kQuarterTableSize = kQuarters * QuarterEntry::kEncodedSize;
// Campaign records start here; banner records follow them, then input records.
inline constexpr size_t kCampaignRecordsOffset = IndexHeader::kEncodedSize + kQuarterTableSize;

// One campaign's list in one quarter: its banners are banner_count banner
// records from first_banner on.
struct CampaignRecord {
  static constexpr size_t kEncodedSize = 24;

  uint64_t campaign_id = 0;
  uint32_t x = 0;  // banners with at least one conversion
  uint32_t first_banner = 0;
  uint16_t banner_count = 0;
  Rule rule = Rule::kTopByClicks;  // any byte decodes: check IsValidRule

  bool operator==(const CampaignRecord&) const = default;
  void EncodeTo(std::string* dst) const;
  // REQUIRES: kEncodedSize bytes at `p`.
  void DecodeFrom(const char* p);
};

// One banner of a list, in rank order (a banner record).
struct BannerStats {
  static constexpr size_t kEncodedSize = 32;

  uint64_t banner_id = 0;
  uint64_t clicks = 0;
  Micros revenue = 0;  // stored as two u64 halves, low first

  bool operator==(const BannerStats&) const = default;
  void EncodeTo(std::string* dst) const;
  // REQUIRES: kEncodedSize bytes at `p`.
  void DecodeFrom(const char* p);
};

// Provenance of one input file, with its row counts from the build (an input
// record: kFixedSize bytes, then the path).
struct InputRecord {
  static constexpr size_t kFixedSize = 48;
  static constexpr uint8_t kUnparseableRowsFlag = 1;  // in the flags byte

  std::string path;  // relative to the input folder
  uint64_t hash = 0;
  FileKind kind = FileKind::kImpressions;
  int quarter = 0;
  bool duplicate_file = false;  // identical bytes to another input: skipped
  // Some of rows_rejected could not be parsed (set aside by --rejects rather
  // than failing the build): an incremental build without --rejects must
  // then recompile the file's quarter, to fail as a full build would.
  bool unparseable_rows = false;
  uint64_t rows_read = 0, rows_kept = 0, rows_duplicate = 0, rows_rejected = 0;

  bool operator==(const InputRecord&) const = default;
  void EncodeTo(std::string* dst) const;
  // Decodes the record at the front of *input and removes it from *input.
  // Returns false, leaving *input as it was, if the bytes end before the
  // record does or its kind or quarter is unknown.
  bool DecodeFrom(std::string_view* input);
};

// The checksum stored in the header: xxHash3 of everything after that field.
// REQUIRES: image.size() >= IndexHeader::kEncodedSize.
uint64_t IndexChecksum(std::string_view image);

// Writes the image's size and checksum into its header: the last step of
// writing an index. REQUIRES: image->size() >= IndexHeader::kEncodedSize.
void SealIndex(std::string* image);

// The request path decodes campaign and banner records: their codecs are
// inline, so that a caller reading one field pays for that field only.

inline void CampaignRecord::EncodeTo(std::string* dst) const {
  PutFixed64(dst, campaign_id);
  PutFixed32(dst, x);
  PutFixed32(dst, first_banner);
  PutFixed16(dst, banner_count);
  PutFixed8(dst, static_cast<uint8_t>(rule));
  PutFixed8(dst, 0);
  PutFixed32(dst, 0);
}

inline void CampaignRecord::DecodeFrom(const char* p) {
  campaign_id = DecodeFixed64(p);
  x = DecodeFixed32(p + 8);
  first_banner = DecodeFixed32(p + 12);
  banner_count = DecodeFixed16(p + 16);
  rule = static_cast<Rule>(static_cast<uint8_t>(p[18]));
}

inline void BannerStats::EncodeTo(std::string* dst) const {
  PutFixed64(dst, banner_id);
  PutFixed64(dst, clicks);
  PutFixed64(dst, static_cast<uint64_t>(revenue));
  PutFixed64(dst, static_cast<uint64_t>(revenue >> 64));
}

inline void BannerStats::DecodeFrom(const char* p) {
  banner_id = DecodeFixed64(p);
  clicks = DecodeFixed64(p + 8);
  revenue = (Micros{DecodeFixed64(p + 24)} << 64) | DecodeFixed64(p + 16);
}

}  // namespace banner
