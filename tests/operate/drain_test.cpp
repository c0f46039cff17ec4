// SIGTERM with --drain-seconds: /readyz answers 503 at once so that a load
// balancer stops sending, everything else is still served (on connections
// old and new) for the drain period, then the graceful stop; a second
// signal ends the drain early. Without the flag, SIGTERM stops at once.
#include <signal.h>

#include <string>

#include <doctest/doctest.h>

#include "reliability/support.h"

namespace banner::reliability {

TEST_CASE("drain: readyz 503 for --drain-seconds while the rest is served, then a clean exit") {
  TempDir dir;
  const std::string index = dir / "index.bin";
  REQUIRE(PublishIndex(index, {{1, 1, {11, 12}}}));
  Bannerd server(index, {"--quarter", "1", "--drain-seconds", "3"});
  REQUIRE(server.port() != 0);
  Response r;
  REQUIRE(Fetch(server.port(), "/readyz", &r));
  CHECK(r.status == 200);
  CHECK(r.body == "ready generation=1\n");
  Conn kept(server.port());  // a keep-alive connection from before the signal
  REQUIRE(kept.Get("/healthz", &r));

  const auto sigterm = Clock::now();
  server.child().Signal(SIGTERM);
  REQUIRE(Eventually([&] { return Fetch(server.port(), "/readyz", &r) && r.status == 503; }));
  CHECK(Clock::now() - sigterm < std::chrono::seconds(2));
  CHECK(r.head.find("Cache-Control: no-store") != std::string::npos);
  CHECK(Fetch(server.port(), "/healthz", &r));
  CHECK(r.status == 200);
  CHECK(Fetch(server.port(), "/api/campaigns/1", &r));
  CHECK(r.status == 200);
  CHECK(kept.Get("/api/campaigns/1", &r));
  CHECK(r.status == 200);
  CHECK(r.Header("Connection") != "close");
  CHECK(FetchMetric(server.port(), "banner_http_requests_total{route=\"readyz\",status=\"503\"}") >= 1);
  CHECK(server.child().Running());

  CHECK(server.child().Wait() == 0);
  const auto drained = Clock::now() - sigterm;
  CHECK(drained >= std::chrono::milliseconds(2900));
  const std::string log = server.Log();
  const size_t draining = log.find("event=draining reason=sigterm seconds=3.000000");
  const size_t stopping = log.find("event=stopping reason=sigterm");
  REQUIRE(draining != std::string::npos);
  REQUIRE(stopping != std::string::npos);
  CHECK(stopping > draining);
  CHECK_FALSE(Conn(server.port(), milliseconds(1000)).ok());  // no longer listening
}

TEST_CASE("drain: a second SIGTERM, or SIGINT, ends the drain at once") {
  for (const int second : {SIGTERM, SIGINT}) {
    CAPTURE(second);
    TempDir dir;
    const std::string index = dir / "index.bin";
    REQUIRE(PublishIndex(index, {{1, 1, {11}}}));
    Bannerd server(index, {"--quarter", "1", "--drain-seconds", "600"});
    REQUIRE(server.port() != 0);
    server.child().Signal(SIGTERM);
    Response r;
    REQUIRE(Eventually([&] { return Fetch(server.port(), "/readyz", &r) && r.status == 503; }));
    server.child().Signal(second);
    CHECK(server.child().Wait(milliseconds(30'000)) == 0);
  }
}

TEST_CASE("drain: without --drain-seconds SIGTERM stops at once, as before") {
  TempDir dir;
  const std::string index = dir / "index.bin";
  REQUIRE(PublishIndex(index, {{1, 1, {11}}}));
  Bannerd server(index, {"--quarter", "1"});
  REQUIRE(server.port() != 0);
  server.child().Signal(SIGTERM);
  CHECK(server.child().Wait(milliseconds(30'000)) == 0);
  CHECK(server.Log().find("event=draining") == std::string::npos);
}

}  // namespace banner::reliability
