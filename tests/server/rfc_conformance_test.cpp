// What real clients meet over loopback (SPEC section 5, RFC 9110/9112): the
// Host rule, Expect: 100-continue, percent-encoded paths, JSON under /api/,
// a visitor of many campaigns, old cookies, symlinks in the images folder.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <tuple>
#include <vector>

#include <doctest/doctest.h>

#include "cookies.h"
#include "test_util.h"

namespace banner {
namespace {

using test::Client;
using test::CookieBanner;
using test::Fetch;
using test::HttpResponse;
using Served = test::ServedIndex;

// Sends `request` on a fresh connection and reads one response.
HttpResponse Exchange(uint16_t port, const std::string& request, std::chrono::milliseconds timeout) {
  Client c(port, timeout);
  REQUIRE(c.connected());
  REQUIRE(c.Send(request));
  HttpResponse r;
  REQUIRE_MESSAGE(c.Read(&r), "no answer within the timeout");
  return r;
}

TEST_CASE("HTTP/1.1 without Host or with two gets 400 and close - HTTP/1.0 without Host is fine") {
  Served s;
  for (const char* request : {"GET /campaigns/2 HTTP/1.1\r\n\r\n",
                              "GET /campaigns/2 HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
                              "GET /campaigns/2 HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n"}) {
    CAPTURE(request);
    Client c(s.port);
    REQUIRE(c.Send(request));
    HttpResponse r;
    REQUIRE(c.Read(&r));
    CHECK(r.status == 400);
    CHECK(r.Header("connection") == "close");
    CHECK(c.WaitClosed());
  }
  const HttpResponse api = Exchange(s.port, "GET /api/campaigns/2 HTTP/1.1\r\n\r\n", std::chrono::seconds(10));
  CHECK(api.status == 400);
  CHECK(api.Header("content-type") == "application/json");
  CHECK(Exchange(s.port, "GET /campaigns/2 HTTP/1.0\r\n\r\n", std::chrono::seconds(10)).status == 200);
  CHECK(Exchange(s.port, "GET /campaigns/2 HTTP/1.1\r\nHost: a\r\n\r\n", std::chrono::seconds(10)).status == 200);
}

TEST_CASE("Expect: 100-continue gets the final answer at once - without waiting for the body") {
  // A client that waits for 100 Continue would wait until the read
  // timeout: make that far longer than the client's own.
  ServerOptions options = test::TestServer::DefaultOptions();
  options.read_timeout = std::chrono::seconds(30);
  Served s(test::StandardLists(), options);
  constexpr std::chrono::seconds kPatience{3};
  {
    Client c(s.port, kPatience);
    REQUIRE(c.Send("POST /campaigns/1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
    HttpResponse r;
    REQUIRE_MESSAGE(c.Read(&r), "no answer: the server waits for the body");
    CHECK(r.status == 405);
    CHECK(r.Header("connection") == "close");
    // The body, sent anyway after the answer, is drained, not answered.
    REQUIRE(c.Send("hello"));
    CHECK(c.WaitClosed());
  }
  {
    const HttpResponse r = Exchange(
        s.port, "GET /api/campaigns/4 HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 10\r\n\r\n",
        kPatience);
    CHECK(r.status == 200);
    CHECK(r.Header("content-type") == "application/json");
    CHECK(r.Header("connection") == "close");
  }
  {
    const HttpResponse r = Exchange(
        s.port, "POST /api/campaigns/1 HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n",
        kPatience);
    CHECK(r.status == 405);
    CHECK(r.Header("content-type") == "application/json");
  }
  {  // Without a body there is nothing to wait for: an ordinary keep-alive answer.
    Client c(s.port, kPatience);
    HttpResponse r;
    REQUIRE(c.Request("/campaigns/2", &r, "Expect: 100-continue\r\n"));
    CHECK(r.status == 200);
    CHECK_FALSE(r.Has("connection"));
    REQUIRE(c.Request("/healthz", &r));
    CHECK(r.status == 200);
  }
}

TEST_CASE("percent-encoded paths route as their decoded form - an encoded slash never does") {
  Served s;
  HttpResponse r = Fetch(s.port, "/campaigns/%33");
  CHECK(r.status == 200);
  CHECK(r.Header("set-cookie").rfind("banners=3:", 0) == 0);
  CHECK(Fetch(s.port, "/%63ampaigns/3").status == 200);
  CHECK(Fetch(s.port, "/api/campaigns/%34").status == 200);
  CHECK(Fetch(s.port, "/campaigns%2F3").status == 404);
  CHECK(Fetch(s.port, "/campaigns/%2F3").status == 400);
  CHECK(Fetch(s.port, "/campaigns/%3").status == 400);
}

TEST_CASE("every /api/ error is JSON over HTTP - 400 404 405 413") {
  Served s;
  for (const auto& [target, method, status] :
       {std::tuple{"/api/campaigns/abc", "GET", 400}, std::tuple{"/api/campaigns/999", "GET", 404},
        std::tuple{"/api/nothing", "GET", 404}, std::tuple{"/api/campaigns/1", "DELETE", 405}}) {
    CAPTURE(target);
    const HttpResponse r = Fetch(s.port, target, "", method);
    CHECK(r.status == status);
    CHECK(r.Header("content-type") == "application/json");
    CHECK(r.body.find("\"status\":" + std::to_string(status)) != std::string::npos);
  }
  const HttpResponse big = Exchange(
      s.port, "POST /api/campaigns/1 HTTP/1.1\r\nHost: a\r\nContent-Length: 100000000\r\n\r\n", std::chrono::seconds(10));
  CHECK(big.status == 413);
  CHECK(big.Header("content-type") == "application/json");
}

// Campaign c (1..1000) lists banners 10c and 10c + 1: the one not shown last
// is the only choice.
std::vector<test::ListSpec> ThousandCampaigns() {
  std::vector<test::ListSpec> lists;
  for (uint64_t c = 1; c <= 1000; ++c) lists.push_back({1, c, {c * 10, c * 10 + 1}});
  return lists;
}

TEST_CASE("a visitor of 1000 campaigns keeps getting 200 - the cookie stays small - recent ones never repeat") {
  Served s(ThousandCampaigns());
  Client c(s.port);
  REQUIRE(c.connected());
  test::CookieJar jar;
  // Old per-campaign cookies from before the recent-banners cookie: ignored,
  // and expired by the first campaign page.
  for (int i = 0; i < 150; ++i) jar.Set("b" + std::to_string(5000 + i), "1");
  std::vector<uint64_t> last(1001, 0);
  size_t largest_cookie = 0;
  for (uint64_t campaign = 1; campaign <= 1000; ++campaign) {
    CAPTURE(campaign);
    HttpResponse r;
    REQUIRE(c.Request("/campaigns/" + std::to_string(campaign), &r, jar.HeaderLine()));
    REQUIRE(r.status == 200);
    jar.Absorb(r);
    CHECK(jar.Get("b5000").empty());
    last[campaign] = CookieBanner(r, campaign);
    largest_cookie = std::max(largest_cookie, jar.HeaderLine().size());
  }
  CHECK(largest_cookie <= kRecentBannersMaxBytes + 32);
  // The most recent campaigns, revisited newest first: always the other banner.
  for (uint64_t campaign = 1000; campaign > 1000 - 40; --campaign) {
    CAPTURE(campaign);
    HttpResponse r;
    REQUIRE(c.Request("/api/campaigns/" + std::to_string(campaign), &r, jar.HeaderLine()));
    REQUIRE(r.status == 200);
    const uint64_t banner = test::ChosenBanner(r);
    CHECK(banner != last[campaign]);
    CHECK(banner / 10 == campaign);
    jar.Absorb(r);
  }
}

TEST_CASE("images: a symlink to a file outside the folder is not served - one inside is") {
  test::TempDir images;
  test::TempDir elsewhere;
  auto write = [](const std::string& path, const char* bytes) {
    std::FILE* out = std::fopen(path.c_str(), "wb");
    REQUIRE(out != nullptr);
    std::fputs(bytes, out);
    std::fclose(out);
  };
  write(images / "image_7.png", "PNG7");
  write(elsewhere / "secret.txt", "SECRET");
  REQUIRE(::symlink((elsewhere / "secret.txt").c_str(), (images / "image_13.png").c_str()) == 0);
  REQUIRE(::symlink("/etc/passwd", (images / "image_15.png").c_str()) == 0);
  REQUIRE(::symlink("image_7.png", (images / "image_14.png").c_str()) == 0);
  REQUIRE(::symlink((images.path() / "." / "image_7.png").c_str(), (images / "image_16.png").c_str()) == 0);
  REQUIRE(::symlink(("../" + elsewhere.path().filename().string() + "/secret.txt").c_str(),
                    (images / "image_17.png").c_str()) == 0);
  ServerOptions options = test::TestServer::DefaultOptions();
  options.images_dir = images.path();
  Served s(test::StandardLists(), options);
  for (const char* outside : {"/images/13", "/images/15", "/images/17"}) {
    CAPTURE(outside);
    const HttpResponse r = Fetch(s.port, outside);
    CHECK(r.status == 200);
    CHECK(r.Header("content-type") == "image/svg+xml");  // the placeholder
    CHECK(r.body.find("SECRET") == std::string::npos);
    CHECK(r.body.find("root:") == std::string::npos);
  }
  for (const char* inside : {"/images/7", "/images/14", "/images/16"}) {
    CAPTURE(inside);
    const HttpResponse r = Fetch(s.port, inside);
    CHECK(r.Header("content-type") == "image/png");
    CHECK(r.body == "PNG7");
  }
}

}  // namespace
}  // namespace banner
