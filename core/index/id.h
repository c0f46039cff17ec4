// Ids of campaigns, banners, clicks and conversions (SPEC section 2): decimal
// integers from 0 to 2^63-1. One parser for the CSV reader and the server, so
// that a CSV row and a URL or cookie accept exactly the same ids. Inline: the
// CSV reader calls it for every field of every row.
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace banner {

inline constexpr uint64_t kMaxId = (uint64_t{1} << 63) - 1;

// Accepts ASCII digits only (no sign, no spaces), at least one, with a value
// of at most 2^63-1; leading zeros are allowed and do not count toward the
// range. On success sets *id and returns true. Otherwise leaves *id as it was,
// returns false and, if `reason` is not null, points *reason at why, worded to
// follow a column name: "is empty", "is not a non-negative integer" or
// "is out of range (greater than 2^63-1)".
inline bool ParseId(std::string_view text, uint64_t* id, const char** reason = nullptr) {
  constexpr const char* kOutOfRange = "is out of range (greater than 2^63-1)";
  const auto fail = [reason](const char* why) {
    if (reason != nullptr) *reason = why;
    return false;
  };
  const auto is_digit = [](char c) { return static_cast<unsigned char>(c - '0') <= 9; };
  const char* p = text.data();
  const char* const end = p + text.size();
  if (p == end) return fail("is empty");
  while (end - p > 1 && *p == '0') ++p;  // leading zeros, not the last digit
  // 19 digits cannot overflow 64 bits: read at most 19, check the range once.
  const char* const stop = end - p > 19 ? p + 19 : end;
  uint64_t v = 0;
  for (; p != stop && is_digit(*p); ++p) v = v * 10 + static_cast<uint64_t>(*p - '0');
  if (p != end) return fail(p == stop && is_digit(*p) ? kOutOfRange : "is not a non-negative integer");
  if (v > kMaxId) return fail(kOutOfRange);
  *id = v;
  return true;
}

}  // namespace banner
