// The recent-banners cookie: finding it, reading an entry defensively,
// writing it bounded, and expiring the old per-campaign cookies.
#include "cookies.h"

#include <string>

#include <doctest/doctest.h>

namespace banner {
namespace {

// The value of "Set-Cookie: banners=VALUE; ..." in `head`.
std::string SetValue(const std::string& head) {
  const std::string key = "Set-Cookie: banners=";
  const size_t pos = head.find(key);
  REQUIRE(pos != std::string::npos);
  const size_t start = pos + key.size();
  return head.substr(start, head.find(';', start) - start);
}

std::string Written(std::string_view received, uint64_t campaign, uint64_t banner) {
  std::string head;
  AppendRecentBannersCookie(received, campaign, banner, &head);
  return SetValue(head);
}

TEST_CASE("FindCookie finds the first cookie of that name in any header") {
  const std::string_view one[] = {"a=1; banners=7:4C; b8=5"};
  CHECK(FindCookie(one, 1, "banners") == "7:4C");
  CHECK(FindCookie(one, 1, "b8") == "5");
  CHECK(FindCookie(one, 1, "banner").empty());
  const std::string_view two[] = {"x=y", "  banners = \"1:2\" ;junk", "banners=3:4"};
  CHECK(FindCookie(two, 3, "banners") == "1:2");
  for (const char* garbage : {"", ";;;===;", "banners", "\xff\xfe=\x01", "=banners"}) {
    CAPTURE(garbage);
    const std::string_view h[] = {garbage};
    CHECK(FindCookie(h, 1, "banners").empty());
  }
}

TEST_CASE("ids are written in base 64 - most significant digit first") {
  CHECK(Written("", 0, 1) == "0:1");
  CHECK(Written("", 7, 63) == "7:_");
  CHECK(Written("", 64, 4095) == "10:__");
  CHECK(Written("", 10, 36) == "A:a");
  CHECK(Written("", 9223372036854775807ull, 62) == "7__________:-");
  uint64_t banner = 0;
  CHECK(RecentBanner("7__________:-", 9223372036854775807ull, &banner));
  CHECK(banner == 62);
}

TEST_CASE("RecentBanner reads the first well-formed entry of the campaign") {
  uint64_t banner = 0;
  CHECK(RecentBanner("7:4C.1:2", 7, &banner));
  CHECK(banner == 4 * 64 + 12);
  CHECK(RecentBanner("7:4C.1:2", 1, &banner));
  CHECK(banner == 2);
  CHECK_FALSE(RecentBanner("7:4C.1:2", 2, &banner));
  CHECK_FALSE(RecentBanner("", 2, &banner));
  // Garbage entries are skipped, whatever they hold; a later good one counts.
  for (const char* garbage : {"7", "7:", ":3", "7:3:4", "7:*", "7;3", "800000000000:1", "1:800000000000",
                              "000000000001:1", "07:3", "7:00", "7 :3", "\x01:\x02", ".."}) {
    CAPTURE(garbage);
    CHECK_FALSE(RecentBanner(garbage, 7, &banner));
    CHECK(RecentBanner(std::string(garbage) + ".7:9", 7, &banner));
    CHECK(banner == 9);
  }
  // 2^63-1 is the largest id; 2^63 ("8" and ten zeros) is out of range.
  CHECK_FALSE(RecentBanner("80000000000:1", 9223372036854775807ull, &banner));
}

TEST_CASE("the new entry comes first - the campaign's old entry and garbage are dropped") {
  CHECK(Written("1:2.7:3.x.5:6", 7, 4) == "7:4.1:2.5:6");
  CHECK(Written("7:3.7:5", 7, 4) == "7:4");
  CHECK(Written("\"", 1, 1) == "1:1");
  std::string head = "X: 1\r\n";
  AppendRecentBannersCookie("", 7, 310, &head);
  CHECK(head == "X: 1\r\nSet-Cookie: banners=7:4s; Path=/; Max-Age=86400; SameSite=Lax; HttpOnly\r\n");
}

TEST_CASE("the cookie stays within its byte budget - the oldest campaigns are dropped") {
  std::string value;
  for (uint64_t c = 0; c < 2000; ++c) {
    value = Written(value, c, 9223372036854775807ull - c);
    REQUIRE(value.size() <= kRecentBannersMaxBytes);
  }
  CHECK(value.size() > kRecentBannersMaxBytes - 15);  // full: no room for one more ".XX:" + 11 digits
  // The most recent campaigns are all there, in order; the oldest are gone.
  uint64_t banner = 0;
  for (uint64_t c = 1999; c > 1999 - 30; --c) {
    CAPTURE(c);
    REQUIRE(RecentBanner(value, c, &banner));
    CHECK(banner == 9223372036854775807ull - c);
  }
  CHECK_FALSE(RecentBanner(value, 0, &banner));
  CHECK(value.rfind("VF:", 0) == 0);  // 1999 = 31 * 64 + 15
}

TEST_CASE("old b{campaign} cookies are expired - nothing else") {
  std::string head;
  const std::string_view headers[] = {"b7=310; banners=1:2; bx=1; b=2; b12=x", " b9223372036854775807=1;a=b"};
  AppendExpireLegacyCookies(headers, 2, &head);
  CHECK(head ==
        "Set-Cookie: b7=; Path=/; Max-Age=0\r\n"
        "Set-Cookie: b12=; Path=/; Max-Age=0\r\n"
        "Set-Cookie: b9223372036854775807=; Path=/; Max-Age=0\r\n");
  head.clear();
  const std::string_view none[] = {"banners=1:2; a=b"};
  AppendExpireLegacyCookies(none, 1, &head);
  CHECK(head.empty());
}

}  // namespace
}  // namespace banner
