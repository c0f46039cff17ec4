// Revenue in exact fixed point: integer micro-units (1 = 0.000001).
// Sums use 128 bits so that no number of conversions of up to 10^12 each can
// overflow, and addition order never changes a result.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace banner {

__extension__ typedef unsigned __int128 Micros;

inline constexpr uint64_t kMicrosPerUnit = 1'000'000;
// SPEC: revenue is a non-negative decimal no greater than 10^12.
inline constexpr uint64_t kMaxRevenueMicros = 1'000'000'000'000ull * kMicrosPerUnit;

// Parses a plain decimal ("12", "0.5", "3.141500") into micro-units.
// Returns nullptr on success, else a short reason ("negative revenue", ...).
const char* ParseRevenue(std::string_view text, uint64_t* micros);

// "4.213377": always six decimals, exact. AppendMicros writes into `out`
// without a temporary (for the request path).
void AppendMicros(std::string* out, Micros micros);
std::string FormatMicros(Micros micros);

}  // namespace banner
