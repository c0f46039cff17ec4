#include "mix.h"

#include <doctest/doctest.h>

namespace banner {

// The published splitmix64 sequence for seed 1234567: MixBits must stay this
// function, since index bytes (the random fill) and bannergen's data depend
// on it.
TEST_CASE("MixBits over kGoldenGamma steps is the reference splitmix64 sequence") {
  uint64_t state = 1234567;
  CHECK(MixBits(state += kGoldenGamma) == 6457827717110365317ull);
  CHECK(MixBits(state += kGoldenGamma) == 3203168211198807973ull);
  CHECK(MixBits(state += kGoldenGamma) == 9817491932198370423ull);
}

}  // namespace banner
