// The pure handler, without sockets: routing, statuses, rendering, the
// never-twice-in-a-row choice, cookies, quarters, the RNG (ParseId: tests/index/id_test.cpp).
#include <set>
#include <string>

#include <doctest/doctest.h>

#include "cookies.h"
#include "id.h"
#include "images.h"
#include "index_holder.h"
#include "index_reader.h"
#include "rng.h"
#include "router.h"
#include "test_util.h"

namespace banner {
namespace {

using test::ListSpec;
using test::RecentCookie;

// The handler on the standard lists, or on `lists`.
struct Fixture : test::HandlerFixture {
  explicit Fixture(const std::vector<ListSpec>& lists = test::StandardLists())
      : HandlerFixture(test::BuildIndex(lists)) {}
};

bool HeadHas(const Reply& r, std::string_view line) { return r.head.find(line) != std::string::npos; }

// The value of "Set-Cookie: banners=VALUE;".
std::string CookieValue(const Reply& r) {
  const std::string key = "Set-Cookie: banners=";
  const size_t pos = r.head.find(key);
  REQUIRE(pos != std::string::npos);
  const size_t start = pos + key.size();
  return r.head.substr(start, r.head.find(';', start) - start);
}

// The banner that cookie remembers for `campaign`: the one just shown.
uint64_t CookieBanner(const Reply& r, uint64_t campaign) {
  uint64_t banner = 0;
  REQUIRE(RecentBanner(CookieValue(r), campaign, &banner));
  return banner;
}

TEST_CASE("Rng::Below is in range and covers it") {
  Rng rng(1);
  std::set<uint64_t> seen;
  for (int i = 0; i < 10000; ++i) {
    const uint64_t v = rng.Below(7);
    REQUIRE(v < 7);
    seen.insert(v);
  }
  CHECK(seen.size() == 7);
  CHECK(rng.Below(1) == 0);
}

TEST_CASE("campaign page: 200 HTML with the banner image - cookie and links") {
  Fixture f;
  const Reply r = f.Run("/campaigns/1");
  CHECK(r.status == 200);
  CHECK(r.route == Route::kCampaignPage);
  CHECK(r.keep_alive);
  CHECK(r.head.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(HeadHas(r, "Content-Type: text/html; charset=utf-8\r\n"));
  CHECK(HeadHas(r, "Content-Length: " + std::to_string(r.body.size()) + "\r\n"));
  CHECK(HeadHas(r, "Date: Sun, 22 Nov 2026 04:20:43 GMT\r\n"));
  CHECK(HeadHas(r, "Cache-Control: no-store\r\n"));
  CHECK(HeadHas(r, "; Path=/; Max-Age=86400; SameSite=Lax; HttpOnly\r\n"));
  CHECK(r.head.size() >= 4);
  CHECK(r.head.substr(r.head.size() - 4) == "\r\n\r\n");
  const uint64_t banner = CookieBanner(r, 1);
  CHECK(banner >= 10100);
  CHECK(banner <= 10109);
  CHECK(r.body.find("<img src=\"/images/" + std::to_string(banner) + "\"") != std::string::npos);
  CHECK(r.body.find("href=\"/\"") != std::string::npos);
  CHECK(r.body.find("Campaign 1") != std::string::npos);
  CHECK(r.payload() == r.body);
}

TEST_CASE("campaign API: the JSON shape of SPEC section 5") {
  Fixture f({{1, 7, {310, 311, 312}}});
  const Reply r = f.Run("/api/campaigns/7?cache=bust", "GET", "b7=310");
  CHECK(r.status == 200);
  CHECK(r.route == Route::kCampaignApi);
  CHECK(HeadHas(r, "Content-Type: application/json\r\n"));
  const uint64_t banner = CookieBanner(r, 7);
  CHECK(banner != 310);
  const std::string expected =
      "{\"campaign_id\":7,\"quarter\":1,\"banner_id\":" + std::to_string(banner) +
      ",\"x\":3,\"rule\":\"converted_then_clicks\",\"banners\":["
      "{\"banner_id\":310,\"clicks\":100,\"revenue\":10.123456},"
      "{\"banner_id\":311,\"clicks\":99,\"revenue\":9.123456},"
      "{\"banner_id\":312,\"clicks\":98,\"revenue\":8.123456}]}\n";
  // The rule name comes from core; compare everything around it.
  const std::string rule = std::string(RuleName(Rule::kConvertedThenClicks));
  std::string want = expected;
  want.replace(want.find("converted_then_clicks"), std::string("converted_then_clicks").size(), rule);
  CHECK(r.body == want);
}

TEST_CASE("never the same banner twice in a row - all banners shown - 1000 picks per campaign") {
  Fixture f;
  for (int quarter = 1; quarter <= 4; ++quarter) {
    f.ctx.quarter = quarter;
    for (uint64_t campaign : {1, 2, 3, 4}) {
      CAPTURE(quarter);
      CAPTURE(campaign);
      CampaignList list;
      REQUIRE(f.snapshot.index->Find(quarter, campaign, &list));
      std::set<uint64_t> allowed;
      for (size_t i = 0; i < list.size(); ++i) allowed.insert(list.banner_id(i));
      std::set<uint64_t> seen;
      std::string cookie;
      uint64_t last = 0;
      const std::string target = "/campaigns/" + std::to_string(campaign);
      for (int i = 0; i < 1000; ++i) {
        const Reply r = f.Run(target, "GET", cookie);
        REQUIRE(r.status == 200);
        const uint64_t banner = CookieBanner(r, campaign);
        REQUIRE(allowed.count(banner) == 1);
        if (i > 0 && list.size() >= 2) REQUIRE(banner != last);
        if (list.size() == 1) REQUIRE(banner == list.banner_id(0));
        seen.insert(banner);
        last = banner;
        cookie = "other=1; banners=" + CookieValue(r) + "; b999=4";
      }
      CHECK(seen == allowed);
    }
  }
}

TEST_CASE("the choice is roughly uniform among the other banners") {
  Fixture f;
  std::map<uint64_t, int> counts;
  for (int i = 0; i < 9000; ++i) {
    const Reply r = f.Run("/campaigns/1", "GET", RecentCookie(1, 10100));
    counts[CookieBanner(r, 1)]++;
  }
  CHECK(counts.count(10100) == 0);
  CHECK(counts.size() == 9);
  for (const auto& [banner, n] : counts) {
    CAPTURE(banner);
    CHECK(n > 800);  // expected 1000 each
    CHECK(n < 1200);
  }
}

TEST_CASE("tampered or garbage cookies are ignored - never an error") {
  Fixture f;
  for (const std::string& cookie :
       {std::string("banners=abc"), std::string("banners=1:zzzzzzzzzzzzz"), std::string("banners=1:"),
        std::string("banners=:"), std::string("garbage"), RecentCookie(1, 12345), std::string(";;;"),
        std::string("banners=\"1:2"), std::string("\x01\x02\x03"), std::string("banners=1:2:3.."),
        std::string("b1=10100")}) {
    CAPTURE(cookie);
    const Reply r = f.Run("/campaigns/1", "GET", cookie);
    CHECK(r.status == 200);
    const uint64_t banner = CookieBanner(r, 1);
    CHECK(banner >= 10100);
    CHECK(banner <= 10109);
    CHECK(CookieValue(r).find('.') == std::string::npos);  // nothing kept from the garbage
  }
  // Neither another campaign's entry nor an old b{campaign} cookie
  // constrains this one: both banners of campaign 3 still come up.
  for (const std::string& cookie : {RecentCookie(30, 10300), std::string("b3=10300")}) {
    CAPTURE(cookie);
    std::set<uint64_t> seen;
    for (int i = 0; i < 200; ++i) seen.insert(CookieBanner(f.Run("/campaigns/3", "GET", cookie), 3));
    CHECK(seen.size() == 2);
  }
}

TEST_CASE("old b{campaign} cookies are expired on a campaign page - the other campaigns are kept") {
  Fixture f;
  const Reply r = f.Run("/campaigns/3", "GET", "b3=10300; b1=10101; " + RecentCookie(4, 10402));
  CHECK(r.status == 200);
  CHECK(HeadHas(r, "Set-Cookie: b3=; Path=/; Max-Age=0\r\n"));
  CHECK(HeadHas(r, "Set-Cookie: b1=; Path=/; Max-Age=0\r\n"));
  uint64_t banner = 0;
  CHECK(RecentBanner(CookieValue(r), 4, &banner));
  CHECK(banner == 10402);
  CHECK(CookieValue(r).rfind("3:", 0) == 0);  // the campaign just shown first
}

TEST_CASE("each quarter serves its own lists") {
  Fixture f;
  for (int q = 1; q <= 4; ++q) {
    f.ctx.quarter = q;
    CAPTURE(q);
    const uint64_t own = 100 + static_cast<uint64_t>(q);
    const Reply r = f.Run("/api/campaigns/" + std::to_string(own));
    CHECK(r.status == 200);
    CHECK(CookieBanner(r, own) == 1000 + static_cast<uint64_t>(q));
    CHECK(r.body.find("\"quarter\":" + std::to_string(q)) != std::string::npos);
    const uint64_t other = 100 + static_cast<uint64_t>(q % 4 + 1);
    CHECK(f.Run("/campaigns/" + std::to_string(other)).status == 404);
    CHECK(f.Run("/api/campaigns/" + std::to_string(other)).status == 404);
    const Reply two = f.Run("/campaigns/2");
    CHECK(CookieBanner(two, 2) == static_cast<uint64_t>(q) * 10000 + 200);
  }
}

TEST_CASE("statuses: 404 - 400 - 405 - redirect") {
  Fixture f;
  CHECK(f.Run("/campaigns/999").status == 404);
  CHECK(f.Run("/api/campaigns/999").status == 404);
  CHECK(f.Run("/nope").status == 404);
  CHECK(f.Run("/campaigns/1/extra").status == 400);
  CHECK(f.Run("/imagesx/1").status == 404);
  CHECK(f.Run("/api/campaigns").status == 404);
  for (const char* bad : {"/campaigns/", "/campaigns/abc", "/campaigns/+7", "/campaigns/-1",
                          "/campaigns/9223372036854775808", "/campaigns/1.5",
                          "/api/campaigns/x", "/api/campaigns/", "/images/abc", "/images/../../etc/passwd",
                          "/images/%2e%2e%2fetc%2fpasswd", "/images/1/../../x", "/images/", "/campaigns?id=",
                          "/campaigns?id=abc", "/campaigns", "/campaigns?id=+7"}) {
    CAPTURE(bad);
    const Reply r = f.Run(bad);
    CHECK(r.status == 400);
    CHECK(r.keep_alive);  // a bad id is a well-formed request
  }
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS", "PATCH", "BREW"}) {
    CAPTURE(method);
    const Reply r = f.Run("/campaigns/1", method);
    CHECK(r.status == 405);
    CHECK(HeadHas(r, "Allow: GET, HEAD\r\n"));
  }
  CHECK(f.Run("/", "POST").status == 405);
  CHECK(f.Run("/nope", "POST").status == 404);

  const Reply redirect = f.Run("/campaigns?id=7&x=1");
  CHECK(redirect.status == 302);
  CHECK(redirect.route == Route::kCampaignForm);
  CHECK(HeadHas(redirect, "Location: /campaigns/7\r\n"));
  CHECK(HeadHas(f.Run("/campaigns?x=1&id=0042"), "Location: /campaigns/42\r\n"));
}

TEST_CASE("query strings are ignored for routing - absolute-form targets work") {
  Fixture f;
  CHECK(f.Run("/campaigns/1?x=1").status == 200);
  CHECK(f.Run("/campaigns/1?").status == 200);
  CHECK(f.Run("/campaigns/1#frag").status == 200);
  CHECK(f.Run("/?q=1").status == 200);
  CHECK(f.Run("/healthz?verbose").status == 200);
  CHECK(f.Run("http://example.com/campaigns/1").status == 200);
  CHECK(f.Run("http://example.com").status == 200);
}

TEST_CASE("HEAD: same head as GET - no body sent") {
  Fixture f;
  const Reply get = f.Run("/");
  const Reply head = f.Run("/", "HEAD");
  CHECK(head.status == 200);
  CHECK_FALSE(head.send_body);
  CHECK(head.payload().empty());
  CHECK(head.head == get.head);
  const Reply missing = f.Run("/campaigns/999", "HEAD");
  CHECK(missing.status == 404);
  CHECK(missing.payload().empty());
}

TEST_CASE("root page lists the current quarter's campaigns and a form") {
  Fixture f;
  f.ctx.quarter = 3;
  const Reply r = f.Run("/");
  CHECK(r.status == 200);
  CHECK(r.body.find("<form action=\"/campaigns\" method=\"get\">") != std::string::npos);
  CHECK(r.body.find("name=\"id\"") != std::string::npos);
  CHECK(r.body.find("href=\"/campaigns/103\"") != std::string::npos);
  CHECK(r.body.find("href=\"/campaigns/101\"") == std::string::npos);
  CHECK(r.body.find("quarter 3 (5)") != std::string::npos);
}

TEST_CASE("healthz and metrics") {
  Fixture f;
  const Reply h = f.Run("/healthz");
  CHECK(h.status == 200);
  CHECK(h.body == "ok generation=7\n");
  f.ctx.now_unix = 1000;
  f.snapshot.loaded_unix = 990;
  f.metrics.reloads_failed = 2;
  WorkerMetrics* w = f.metrics.AddWorker();
  w->Record(Route::kCampaignPage, 200, 30);
  w->Record(Route::kCampaignPage, 200, 3000);
  w->Record(Route::kNotFound, 404, 10);
  const Reply m = f.Run("/metrics");
  CHECK(m.status == 200);
  CHECK(HeadHas(m, "Content-Type: text/plain; version=0.0.4"));
  CHECK(test::MetricValue(m.body, "banner_http_requests_total{route=\"campaign_page\",status=\"200\"} ") == 2);
  CHECK(test::MetricValue(m.body, "banner_http_requests_total{route=\"not_found\",status=\"404\"} ") == 1);
  CHECK(test::MetricValue(m.body, "banner_http_request_duration_seconds_bucket{le=\"0.000050\"} ") == 2);
  CHECK(test::MetricValue(m.body, "banner_http_request_duration_seconds_bucket{le=\"+Inf\"} ") == 3);
  CHECK(test::MetricValue(m.body, "banner_http_request_duration_seconds_count ") == 3);
  CHECK(test::MetricValue(m.body, "banner_index_generation ") == 7);
  CHECK(test::MetricValue(m.body, "banner_index_age_seconds ") == 10);
  CHECK(test::MetricValue(m.body, "banner_index_reload_failures_total ") == 2);
  CHECK(test::MetricValue(m.body, "banner_index_campaigns{quarter=\"1\"} ") == 5);
}

TEST_CASE("images: cached PNG by numeric id - SVG placeholder otherwise") {
  test::TempDir dir;
  {
    std::FILE* out = std::fopen((dir / "image_10100.png").c_str(), "wb");
    REQUIRE(out != nullptr);
    std::fputs("\x89PNG fake", out);
    std::fclose(out);
    std::FILE* junk = std::fopen((dir / "image_x.png").c_str(), "wb");
    std::fclose(junk);
  }
  Status st;
  auto images = ImageStore::Load(dir.path(), 1 << 20, 1 << 20, &st);
  REQUIRE_MESSAGE(images != nullptr, st.message());
  CHECK(images->count() == 1);
  Fixture f;
  f.ctx.images = images.get();
  const Reply png = f.Run("/images/10100");
  CHECK(png.status == 200);
  CHECK(HeadHas(png, "Content-Type: image/png\r\n"));
  CHECK(png.payload() == "\x89PNG fake");
  CHECK(HeadHas(png, "Content-Length: 9\r\n"));
  const Reply svg = f.Run("/images/4242");
  CHECK(svg.status == 200);
  CHECK(HeadHas(svg, "Content-Type: image/svg+xml\r\n"));
  CHECK(svg.body.find("Banner 4242") != std::string::npos);
  CHECK(f.Run("/images/10100", "HEAD").payload().empty());
  Status missing;
  CHECK(ImageStore::Load(dir / "nope", 1, 1, &missing) == nullptr);
  CHECK_FALSE(missing.ok());
}

TEST_CASE("keep-alive and closing") {
  Fixture f;
  Request req;
  req.method = "GET";
  req.target = "/healthz";
  Reply r;
  req.keep_alive = false;
  Handle(req, f.ctx, &r);
  CHECK_FALSE(r.keep_alive);
  CHECK(HeadHas(r, "Connection: close\r\n"));
  req.keep_alive = true;
  req.version = 10;
  Handle(req, f.ctx, &r);
  CHECK(HeadHas(r, "Connection: keep-alive\r\n"));
  f.ctx.closing = true;
  Handle(req, f.ctx, &r);
  CHECK_FALSE(r.keep_alive);
  RenderError(431, "", f.ctx, &r);
  CHECK(r.status == 431);
  CHECK_FALSE(r.keep_alive);
  CHECK(r.head.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0) == 0);
}

TEST_CASE("percent-encoded unreserved characters are decoded before routing") {
  Fixture f;
  for (const char* target : {"/campaigns/%33", "/%63ampaigns/3", "/%63%61mpaigns/%33?x=%31", "/campaigns%2f3x"}) {
    CAPTURE(target);
    const Reply r = f.Run(target);
    if (std::string_view(target).find("%2f") != std::string_view::npos) {
      CHECK(r.status == 404);  // an encoded '/' is not a separator
      continue;
    }
    CHECK(r.status == 200);
    CHECK(r.route == Route::kCampaignPage);
    const uint64_t banner = CookieBanner(r, 3);
    CHECK((banner == 10300 || banner == 10301));
  }
  const Reply api = f.Run("/api/campaigns/%34");
  CHECK(api.status == 200);
  CHECK(api.body.rfind("{\"campaign_id\":4,", 0) == 0);
  CHECK(f.Run("/%68ealthz").status == 200);
  CHECK(f.Run("http://example.com/campaigns/%31").status == 200);
  // Escapes that don't decode to an unreserved character stay encoded:
  // they match no route and no id.
  for (const char* target : {"/campaigns/%2F3", "/campaigns/%2f", "/campaigns/3%00", "/images/%2e%2e%2fetc%2fpasswd",
                             "/images/%2E%2E/%2E%2E/etc/passwd", "/campaigns/%2B3", "/campaigns/%20%33"}) {
    CAPTURE(target);
    CHECK(f.Run(target).status == 400);
  }
  for (const char* target : {"/%2e%2e/campaigns/3", "/campaigns%2F3", "/%2Fcampaigns/3", "/%2e/campaigns/3"}) {
    CAPTURE(target);
    CHECK(f.Run(target).status == 404);
  }
  // Bad escapes are a bad request, wherever they are.
  for (const char* target : {"/campaigns/%3", "/campaigns/3%", "/campaigns/%zz", "/%G3ampaigns/3", "/%",
                             "/api/campaigns/%3g"}) {
    CAPTURE(target);
    const Reply r = f.Run(target);
    CHECK(r.status == 400);
    CHECK(r.keep_alive);
  }
  // A long path with escapes matches nothing.
  CHECK(f.Run("/campaigns/" + std::string(600, '0') + "%33").status == 404);
}

TEST_CASE("Host: exactly one in HTTP/1.1 - at most one in HTTP/1.0") {
  Fixture f;
  Request req;
  req.method = "GET";
  req.target = "/campaigns/2";
  Reply r;
  for (unsigned version : {10u, 11u}) {
    for (size_t hosts : {0u, 1u, 2u, 3u}) {
      CAPTURE(version);
      CAPTURE(hosts);
      req.version = version;
      req.host_count = hosts;
      Handle(req, f.ctx, &r);
      const bool ok = hosts == 1 || (hosts == 0 && version == 10);
      CHECK(r.status == (ok ? 200 : 400));
      if (!ok) {
        CHECK_FALSE(r.keep_alive);
        CHECK(r.body.find("Host") != std::string::npos);
      }
    }
  }
  req.version = 11;
  req.host_count = 0;
  req.target = "/api/campaigns/2";
  Handle(req, f.ctx, &r);
  CHECK(r.status == 400);
  CHECK(HeadHas(r, "Content-Type: application/json\r\n"));
}

TEST_CASE("every answer under /api/ is JSON - errors included") {
  Fixture f;
  struct Case {
    const char* target;
    const char* method;
    int status;
  };
  for (const Case& c : {Case{"/api/campaigns/abc", "GET", 400}, Case{"/api/campaigns/", "GET", 400},
                        Case{"/api/campaigns/%zz", "GET", 400}, Case{"/api/campaigns/999", "GET", 404},
                        Case{"/api/nope", "GET", 404}, Case{"/api", "GET", 404}, Case{"/api/campaigns", "GET", 404},
                        Case{"/api/campaigns/1", "POST", 405}, Case{"/api/nope", "DELETE", 404},
                        Case{"http://x/api/campaigns/-1", "GET", 400}, Case{"/%61pi/campaigns/x", "GET", 400}}) {
    CAPTURE(c.target);
    CAPTURE(c.method);
    const Reply r = f.Run(c.target, c.method);
    CHECK(r.status == c.status);
    CHECK(HeadHas(r, "Content-Type: application/json\r\n"));
    CHECK(r.body.rfind("{\"error\":\"", 0) == 0);
    CHECK(r.body.find(",\"status\":" + std::to_string(c.status)) != std::string::npos);
    CHECK(r.body.back() == '\n');
  }
  CHECK(HeadHas(f.Run("/api/campaigns/1", "PUT"), "Allow: GET, HEAD\r\n"));
  CHECK(f.Run("/api/campaigns/999").body ==
        "{\"error\":\"There is no campaign 999 in quarter 1.\",\"status\":404,\"campaign_id\":999,\"quarter\":1}\n");
  CHECK(f.Run("/api/campaigns/x").body ==
        "{\"error\":\"A campaign id is a decimal number from 0 to 9223372036854775807.\",\"status\":400}\n");
  const Reply head = f.Run("/api/nope", "HEAD");
  CHECK(head.payload().empty());
  CHECK(HeadHas(head, "Content-Type: application/json\r\n"));
  // Elsewhere errors stay HTML.
  CHECK(HeadHas(f.Run("/campaigns/abc"), "Content-Type: text/html; charset=utf-8\r\n"));
  CHECK(HeadHas(f.Run("/apix"), "Content-Type: text/html; charset=utf-8\r\n"));
  // The session's own errors follow the target when it was parsed.
  Reply r;
  RenderError(413, "/api/campaigns/1", f.ctx, &r);
  CHECK(r.status == 413);
  CHECK(HeadHas(r, "Content-Type: application/json\r\n"));
  CHECK(r.body == "{\"error\":\"The request body is too large.\",\"status\":413}\n");
  RenderError(400, "", f.ctx, &r);
  CHECK(HeadHas(r, "Content-Type: text/html; charset=utf-8\r\n"));
}

}  // namespace
}  // namespace banner
