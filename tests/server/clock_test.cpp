// The UTC clock helpers: the quarter of the hour and the Date header.
#include "clock.h"

#include <string_view>

#include <doctest/doctest.h>

namespace banner {
namespace {

TEST_CASE("QuarterOf follows the minute of the hour") {
  CHECK(QuarterOf(0) == 1);
  CHECK(QuarterOf(14 * 60 + 59) == 1);
  CHECK(QuarterOf(15 * 60) == 2);
  CHECK(QuarterOf(29 * 60 + 59) == 2);
  CHECK(QuarterOf(30 * 60) == 3);
  CHECK(QuarterOf(44 * 60 + 59) == 3);
  CHECK(QuarterOf(45 * 60) == 4);
  CHECK(QuarterOf(59 * 60 + 59) == 4);
  CHECK(QuarterOf(3600) == 1);
  CHECK(QuarterOf(1763785243) == QuarterOf(1763785243 % 3600));
}

TEST_CASE("FormatHttpDate") {
  char buf[40];
  const size_t n = FormatHttpDate(784111777, buf, sizeof buf);
  CHECK(std::string_view(buf, n) == "Sun, 06 Nov 1994 08:49:37 GMT");
}


}  // namespace
}  // namespace banner
