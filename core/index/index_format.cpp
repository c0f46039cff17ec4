#include "index_format.h"

#include <xxhash.h>

namespace banner {

void IndexHeader::EncodeTo(std::string* dst) const {
  PutFixed64(dst, magic);
  PutFixed32(dst, format_version);
  PutFixed32(dst, header_size);
  PutFixed64(dst, file_size);
  PutFixed64(dst, checksum);
  PutFixed64(dst, seed);
  PutFixed64(dst, 0);  // reserved: no timestamp, so equal inputs give equal bytes
  PutFixed32(dst, campaign_count);
  PutFixed32(dst, banner_count);
  PutFixed32(dst, input_count);
  PutFixed32(dst, 0);
}

void IndexHeader::DecodeFrom(const char* p) {
  magic = DecodeFixed64(p);
  format_version = DecodeFixed32(p + 8);
  header_size = DecodeFixed32(p + 12);
  file_size = DecodeFixed64(p + kFileSizeOffset);
  checksum = DecodeFixed64(p + kChecksumOffset);
  seed = DecodeFixed64(p + 32);
  campaign_count = DecodeFixed32(p + 48);
  banner_count = DecodeFixed32(p + 52);
  input_count = DecodeFixed32(p + 56);
}

void QuarterEntry::EncodeTo(std::string* dst) const {
  PutFixed32(dst, first_campaign);
  PutFixed32(dst, campaign_count);
}

void QuarterEntry::DecodeFrom(const char* p) {
  first_campaign = DecodeFixed32(p);
  campaign_count = DecodeFixed32(p + 4);
}

void InputRecord::EncodeTo(std::string* dst) const {
  PutFixed32(dst, static_cast<uint32_t>(path.size()));
  PutFixed64(dst, hash);
  PutFixed8(dst, static_cast<uint8_t>(kind));
  PutFixed8(dst, static_cast<uint8_t>(quarter));
  PutFixed8(dst, duplicate_file ? 1 : 0);
  PutFixed8(dst, unparseable_rows ? kUnparseableRowsFlag : 0);
  PutFixed64(dst, rows_read);
  PutFixed64(dst, rows_kept);
  PutFixed64(dst, rows_duplicate);
  PutFixed64(dst, rows_rejected);
  dst->append(path);
}

bool InputRecord::DecodeFrom(std::string_view* input) {
  if (input->size() < kFixedSize) return false;
  const char* p = input->data();
  const uint32_t path_size = DecodeFixed32(p);
  const auto kind_byte = static_cast<uint8_t>(p[12]);
  const auto quarter_byte = static_cast<uint8_t>(p[13]);
  if (kind_byte < 1 || kind_byte > 3 || quarter_byte < 1 || quarter_byte > kQuarters ||
      path_size > input->size() - kFixedSize) {
    return false;
  }
  hash = DecodeFixed64(p + 4);
  kind = static_cast<FileKind>(kind_byte);
  quarter = quarter_byte;
  duplicate_file = p[14] != 0;
  unparseable_rows = (static_cast<uint8_t>(p[15]) & kUnparseableRowsFlag) != 0;
  rows_read = DecodeFixed64(p + 16);
  rows_kept = DecodeFixed64(p + 24);
  rows_duplicate = DecodeFixed64(p + 32);
  rows_rejected = DecodeFixed64(p + 40);
  path.assign(p + kFixedSize, path_size);
  input->remove_prefix(kFixedSize + path_size);
  return true;
}

uint64_t IndexChecksum(std::string_view image) {
  constexpr size_t kCovered = IndexHeader::kChecksumOffset + 8;
  return XXH3_64bits(image.data() + kCovered, image.size() - kCovered);
}

void SealIndex(std::string* image) {
  EncodeFixed64(image->data() + IndexHeader::kFileSizeOffset, image->size());
  EncodeFixed64(image->data() + IndexHeader::kChecksumOffset, IndexChecksum(*image));
}

std::string_view RuleName(Rule rule) {
  switch (rule) {
    case Rule::kTop10ByRevenue: return "top10_by_revenue";
    case Rule::kAllConvertedByRevenue: return "all_converted_by_revenue";
    case Rule::kConvertedThenClicks: return "converted_then_clicks";
    case Rule::kTopByClicks: return "top5_by_clicks";
  }
  return "unknown";
}

std::string_view FileKindName(FileKind kind) {
  switch (kind) {
    case FileKind::kImpressions: return "impressions";
    case FileKind::kClicks: return "clicks";
    case FileKind::kConversions: return "conversions";
  }
  return "unknown";
}

}  // namespace banner
