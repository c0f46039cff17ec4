// FUZZ_CHECK: an invariant of the code under test. A violation prints where
// and what, then aborts, which libFuzzer reports as a crash and saves the
// input. (assert() would vanish under NDEBUG; this never does.)
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                 \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (0)
