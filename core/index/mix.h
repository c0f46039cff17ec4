// MixBits, the project's one mixing function: the splitmix64 finalizer, a
// bijection on 64-bit words in which every input bit moves every output bit.
// The compiler hashes its id tables and seeds the random fill with it, and
// bannergen seeds its PRNG with it (splitmix64's next value is
// MixBits(state += kGoldenGamma)). Frozen: the random fill picks which
// banners an index lists (SPEC section 3), so a change here changes index
// bytes. Pure, header-only, no dependencies.
#pragma once

#include <cstdint>

namespace banner {

// 2^64 divided by the golden ratio, rounded to odd: splitmix64's step.
inline constexpr uint64_t kGoldenGamma = 0x9e3779b97f4a7c15ull;

constexpr uint64_t MixBits(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

}  // namespace banner
