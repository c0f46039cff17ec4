// The facts of SPEC section 2 that bannergen writes: the id and revenue
// limits, the quarters, the three tables and their column names.
//
// Copied from the SPEC rather than shared with core/: this data tests the
// compiler, so a wrong constant in core/ must not silently shape its own
// test data (a kMaxId off by one, shared, would generate exactly the
// boundary the compiler wrongly accepts). The one thing the generator
// shares with core/ is MixBits (mix.h), which the index's byte-for-byte
// determinism freezes anyway.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string_view>

namespace banner::synthetic {

inline constexpr uint64_t kMaxId = std::numeric_limits<int64_t>::max();  // 2^63-1
inline constexpr uint64_t kMicros = 1'000'000;  // revenue has six decimals
inline constexpr uint64_t kMaxRevenueMicros = 1'000'000'000'000ull * kMicros;
inline constexpr int kQuarters = 4;

enum Table { kImpressions = 0, kClicks = 1, kConversions = 2 };
inline constexpr int kTables = 3;
inline constexpr std::array<std::string_view, kTables> kTableNames = {"impressions", "clicks",
                                                                      "conversions"};
inline constexpr std::array<int, kTables> kColumnCounts = {2, 3, 3};
inline constexpr std::array<std::array<std::string_view, 3>, kTables> kColumnNames = {{
    {"banner_id", "campaign_id", ""},
    {"click_id", "banner_id", "campaign_id"},
    {"conversion_id", "click_id", "revenue"},
}};

}  // namespace banner::synthetic
