#include "id.h"

#include <doctest/doctest.h>

#include <string>

namespace banner {

TEST_CASE("ParseId accepts 0 to 2^63-1 in decimal, leading zeros allowed") {
  uint64_t id = 99;
  CHECK(ParseId("0", &id));
  CHECK(id == 0);
  CHECK(ParseId("0000", &id));
  CHECK(id == 0);
  CHECK(ParseId("42", &id));
  CHECK(id == 42);
  CHECK(ParseId("9223372036854775807", &id));
  CHECK(id == 9223372036854775807ull);
  CHECK(ParseId(std::string(40, '0') + "9223372036854775807", &id));  // zeros do not count
  CHECK(id == 9223372036854775807ull);
}

TEST_CASE("ParseId says why it refuses, and leaves the id alone") {
  struct Case {
    std::string text;
    const char* reason;
  };
  const Case cases[] = {
      {"", "is empty"},
      {"-1", "is not a non-negative integer"},
      {"+1", "is not a non-negative integer"},
      {" 1", "is not a non-negative integer"},
      {"1 ", "is not a non-negative integer"},
      {"1.5", "is not a non-negative integer"},
      {"0x10", "is not a non-negative integer"},
      {"1e3", "is not a non-negative integer"},
      {"caf\xc3\xa9", "is not a non-negative integer"},
      {std::string("1\0", 2), "is not a non-negative integer"},
      {"9223372036854775808", "is out of range (greater than 2^63-1)"},
      {"18446744073709551616", "is out of range (greater than 2^63-1)"},
      // Twenty significant digits are out of range before the letter is seen.
      {"12345678901234567890x", "is out of range (greater than 2^63-1)"},
      {"1234567890123456789x", "is not a non-negative integer"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    uint64_t id = 7;
    const char* reason = nullptr;
    CHECK_FALSE(ParseId(c.text, &id, &reason));
    REQUIRE(reason != nullptr);
    CHECK(std::string(reason) == c.reason);
    CHECK(id == 7);
    CHECK_FALSE(ParseId(c.text, &id));  // the reason is optional
  }
  const char* untouched = "before";
  uint64_t id = 0;
  CHECK(ParseId("5", &id, &untouched));
  CHECK(std::string(untouched) == "before");
}

}  // namespace banner
