// The two things bannerd reads from the UTC clock: which quarter of the hour
// serves (SPEC section 5) and the Date header.
//
// Thread-safety: pure functions of their arguments.
#pragma once

#include <cstddef>
#include <cstdint>

namespace banner {

// Minute 0-14 -> 1, 15-29 -> 2, 30-44 -> 3, 45-59 -> 4 (UTC).
int QuarterOf(int64_t unix_seconds);

// Writes "Sun, 06 Nov 1994 08:49:37 GMT" (29 bytes) into buf; returns its length.
size_t FormatHttpDate(int64_t unix_seconds, char* buf, size_t size);

}  // namespace banner
