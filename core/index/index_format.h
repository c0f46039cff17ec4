// What the index writer and reader share: the magic number, the version, the
// fixed record sizes and their field offsets. The layout is described in prose
// in index_format.md; keep the two in step.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace banner {

inline constexpr uint64_t kIndexMagic = 0x31584449524e4e42ull;  // "BNNRIDX1" little-endian
inline constexpr uint32_t kIndexFormatVersion = 1;
inline constexpr int kQuarters = 4;
inline constexpr size_t kMaxListLength = 10;

inline constexpr size_t kHeaderSize = 64;
inline constexpr size_t kQuarterTableSize = kQuarters * 8;
inline constexpr size_t kCampaignRecordSize = 24;
inline constexpr size_t kBannerRecordSize = 32;
inline constexpr size_t kInputRecordFixedSize = 4 + 8 + 4 + 4 * 8;  // + path bytes

// Header field offsets.
inline constexpr size_t kMagicOffset = 0;
inline constexpr size_t kVersionOffset = 8;
inline constexpr size_t kHeaderSizeOffset = 12;
inline constexpr size_t kFileSizeOffset = 16;
inline constexpr size_t kChecksumOffset = 24;
inline constexpr size_t kSeedOffset = 32;
inline constexpr size_t kCampaignCountOffset = 48;
inline constexpr size_t kBannerCountOffset = 52;
inline constexpr size_t kInputCountOffset = 56;

// The checksum stored at kChecksumOffset: xxHash3 of everything after that
// field. REQUIRES: image.size() >= kHeaderSize.
uint64_t IndexChecksum(std::string_view image);

// The rule of SPEC section 3 that produced a campaign's list.
enum class Rule : uint8_t {
  kTop10ByRevenue = 1,       // X >= 10
  kAllConvertedByRevenue = 2,  // 5 <= X <= 9
  kConvertedThenClicks = 3,  // 1 <= X <= 4
  kTopByClicks = 4,          // X == 0
};

inline constexpr bool IsValidRule(uint8_t r) { return r >= 1 && r <= 4; }
std::string_view RuleName(Rule rule);

// Which table a CSV file holds; stored in the provenance records.
enum class FileKind : uint8_t { kImpressions = 1, kClicks = 2, kConversions = 3 };
std::string_view FileKindName(FileKind kind);

}  // namespace banner
