// Rng: xoshiro256** seeded through splitmix64, fully specified here so that
// bannergen's output never depends on the standard library (no std::
// distributions). Same seed => same sequence on every platform.
// Not thread-safe; each quarter owns one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "mix.h"

namespace banner::synthetic {

class Rng {
 public:
  // The seed's splitmix64 sequence fills the state.
  explicit Rng(uint64_t seed) {
    for (uint64_t& word : state_) word = MixBits(seed += kGoldenGamma);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  // Uniform enough in [0, n) (multiply-shift); REQUIRES: n > 0.
  uint64_t Below(uint64_t n) {
    __extension__ typedef unsigned __int128 U128;
    return static_cast<uint64_t>((static_cast<U128>(Next()) * n) >> 64);
  }
  uint64_t Between(uint64_t lo, uint64_t hi) { return lo + Below(hi - lo + 1); }
  bool Percent(uint64_t p) { return Below(100) < p; }

  template <typename T>
  void Shuffle(std::vector<T>& items) {
    for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[Below(i)]);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
};

}  // namespace banner::synthetic
