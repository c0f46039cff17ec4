// The last-banner cookies: reading one defensively, naming and setting one.
#include "cookies.h"

#include <string>

#include <doctest/doctest.h>

namespace banner {
namespace {

TEST_CASE("FindIdCookie reads one cookie defensively") {
  uint64_t v = 0;
  const std::string_view one[] = {"a=1; b7=310; b8=5"};
  CHECK(FindIdCookie(one, 1, "b7", &v));
  CHECK(v == 310);
  CHECK(FindIdCookie(one, 1, "b8", &v));
  CHECK(v == 5);
  CHECK_FALSE(FindIdCookie(one, 1, "b9", &v));
  CHECK_FALSE(FindIdCookie(one, 1, "b", &v));

  const std::string_view quoted[] = {"b7=\"12\""};
  CHECK(FindIdCookie(quoted, 1, "b7", &v));
  CHECK(v == 12);

  const std::string_view two[] = {"x=y", "  b7 = 44 ;junk"};
  CHECK(FindIdCookie(two, 2, "b7", &v));
  CHECK(v == 44);

  for (const char* garbage : {"b7=", "b7=abc", "b7=-1", "b7=99999999999999999999", "b7", ";;;===;",
                              "b7=\"", "\xff\xfe=\x01", "b7=1 2"}) {
    CAPTURE(garbage);
    const std::string_view h[] = {garbage};
    CHECK_FALSE(FindIdCookie(h, 1, "b7", &v));
  }
  // A garbage first occurrence doesn't hide a valid later one.
  const std::string_view mixed[] = {"b7=zz; b7=3"};
  CHECK(FindIdCookie(mixed, 1, "b7", &v));
  CHECK(v == 3);
}

TEST_CASE("LastBannerCookieName is b and the campaign id") {
  char buf[24];
  CHECK(LastBannerCookieName(0, buf) == "b0");
  CHECK(LastBannerCookieName(7, buf) == "b7");
  CHECK(LastBannerCookieName(9223372036854775807ull, buf) == "b9223372036854775807");
}

TEST_CASE("AppendSetCookie writes one header line remembering the banner for a day") {
  std::string head = "X: 1\r\n";
  AppendSetCookie(7, 310, &head);
  CHECK(head == "X: 1\r\nSet-Cookie: b7=310; Path=/; Max-Age=86400; SameSite=Lax; HttpOnly\r\n");
  // What it sets, FindIdCookie reads back.
  const std::string_view cookie[] = {"b7=310"};
  uint64_t v = 0;
  CHECK(FindIdCookie(cookie, 1, "b7", &v));
  CHECK(v == 310);
}

}  // namespace
}  // namespace banner
