#include "money.h"

#include <doctest/doctest.h>

namespace banner {

static uint64_t Parse(const char* s) {
  uint64_t m = 0;
  const char* err = ParseRevenue(s, &m);
  INFO(s);
  REQUIRE(err == nullptr);
  return m;
}

static std::string Reason(const char* s) {
  uint64_t m = 0;
  const char* err = ParseRevenue(s, &m);
  return err ? err : "";
}

TEST_CASE("revenue parses exactly into micro-units") {
  CHECK(Parse("0") == 0);
  CHECK(Parse("1") == 1000000);
  CHECK(Parse("4.213377") == 4213377);
  CHECK(Parse("0.5") == 500000);
  CHECK(Parse(".25") == 250000);
  CHECK(Parse("7.") == 7000000);
  CHECK(Parse("1.2500000000") == 1250000);  // trailing zeros beyond six places are exact
  CHECK(Parse("1000000000000") == kMaxRevenueMicros);
  CHECK(Parse("1000000000000.000000") == kMaxRevenueMicros);
}

TEST_CASE("revenue that is not an exact non-negative decimal is refused with a reason") {
  CHECK(Reason("") == "empty revenue");
  CHECK(Reason("-1.5") == "negative revenue");
  CHECK(Reason("nan") == "revenue is not a finite decimal number");
  CHECK(Reason("inf") == "revenue is not a finite decimal number");
  CHECK(Reason("1e3") == "revenue is not a finite decimal number");
  CHECK(Reason(".") == "revenue is not a finite decimal number");
  CHECK(Reason("1.2.3") == "revenue is not a finite decimal number");
  CHECK(Reason("1000000000000.000001") == "revenue greater than 10^12");
  CHECK(Reason("99999999999999999999999") == "revenue greater than 10^12");
  CHECK(Reason("0.0000001") == "revenue has more than 6 decimal places");
}

TEST_CASE("micro-units print with exactly six decimals") {
  CHECK(FormatMicros(0) == "0.000000");
  CHECK(FormatMicros(4213377) == "4.213377");
  CHECK(FormatMicros(7) == "0.000007");
  CHECK(FormatMicros(Micros{kMaxRevenueMicros} * 1000) == "1000000000000000.000000");
  // Beyond 64 bits: sums of many maximal revenues stay exact.
  CHECK(FormatMicros(Micros{~uint64_t{0}} + 1) == "18446744073709.551616");
}

}  // namespace banner
