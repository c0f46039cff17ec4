// Closing the loop (issue 15): bannerd records what it serves and what is
// clicked, and `bannerc build` reads the files it leaves; a disk that cannot
// take them costs events (counted), never requests.
#include <csignal>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "support.h"

namespace banner::reliability {
namespace {

// bannerc's build summary: {kind: {kept, duplicate, rejected}} summed over
// the files whose name starts with kind.
struct Kept {
  long kept = 0, duplicate = 0, rejected = 0, files = 0;
};
Kept SummaryOf(const std::string& summary, std::string_view kind) {
  Kept k;
  std::istringstream lines(summary);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string path;
    long read = 0, kept = 0, duplicate = 0, rejected = 0;
    if (!(fields >> path >> read >> kept >> duplicate >> rejected)) continue;
    if (path.rfind(std::string(kind) + "_", 0) != 0) continue;
    ++k.files;
    k.kept += kept;
    k.duplicate += duplicate;
    k.rejected += rejected;
  }
  return k;
}

const std::vector<ListSpec> kLists = {{1, 5, {50, 51}}, {1, 101, {1001}}};

TEST_CASE("events: page views, beacons and clicks through bannerd come back out of bannerc build, exactly") {
  TempDir dir;
  const std::string index = dir / "current.idx";
  const std::string events = dir / "incoming";
  REQUIRE(PublishIndex(index, kLists));
  Bannerd bannerd(index, {"--quarter", "1", "--threads", "2", "--events-dir", events, "--events-rotate-seconds", "1",
                          "--events-flush-seconds", "0.05", "--click-target", "https://shop.example/{banner_id}"});
  REQUIRE(bannerd.port() != 0);
  constexpr int kPages = 40, kBeacons = 30, kClicks = 25;
  Response r;
  for (int i = 0; i < kPages; ++i) REQUIRE((Fetch(bannerd.port(), "/campaigns/5", &r) && r.status == 200));
  for (int i = 0; i < kBeacons; ++i) REQUIRE((Fetch(bannerd.port(), "/i/101/1001.gif", &r) && r.status == 200));
  for (int i = 0; i < kClicks; ++i) {
    REQUIRE((Fetch(bannerd.port(), i % 2 ? "/click/5/51" : "/click/5/50", &r) && r.status == 302));
  }
  // Nothing from HEAD, prefetches or pairs not on the list.
  Conn conn(bannerd.port());
  REQUIRE(conn.Send("HEAD /click/5/50 HTTP/1.1\r\nHost: x\r\n\r\n"
                    "HEAD /campaigns/5 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  std::string heads;
  REQUIRE(conn.WaitClosed(milliseconds(10'000), &heads));
  CHECK(heads.find("HTTP/1.1 302") != std::string::npos);
  CHECK(heads.find("HTTP/1.1 200") != std::string::npos);
  Conn prefetch(bannerd.port());
  REQUIRE((prefetch.Get("/campaigns/5", &r, "Purpose: prefetch\r\n") && r.status == 200));
  REQUIRE((prefetch.Get("/i/5/50.gif", &r, "Sec-Purpose: prefetch;prerender\r\n") && r.status == 200));
  REQUIRE((prefetch.Get("/click/5/51", &r, "Sec-Purpose: prefetch\r\n") && r.status == 302));
  REQUIRE((prefetch.Get("/click/5/1001", &r) && r.status == 404));
  // The periods close on their own (1 s each): every file renamed into place.
  CHECK(Eventually([&] {
    return FetchMetric(bannerd.port(), "banner_events_open_file_age_seconds") == 0 &&
           FetchMetric(bannerd.port(), "banner_events_files_closed_total") >= 2;
  }));
  CHECK(bannerd.Stop() == 0);

  Child build({BANNERC_PATH, "build", events, "-o", dir / "next.idx"});
  REQUIRE(build.Wait() == 0);
  const std::string summary = build.Output();
  INFO(summary);
  const Kept impressions = SummaryOf(summary, "impressions");
  const Kept clicks = SummaryOf(summary, "clicks");
  CHECK(impressions.kept == kPages + kBeacons);
  CHECK(clicks.kept == kClicks);
  CHECK(impressions.duplicate + impressions.rejected + clicks.duplicate + clicks.rejected == 0);
}

TEST_CASE("crash: SIGKILL loses at most the events of the last flush interval, and the next start recovers the rest") {
  TempDir dir;
  const std::string index = dir / "current.idx";
  const std::string events = dir / "incoming";
  REQUIRE(PublishIndex(index, kLists));
  const std::vector<std::string> flags = {"--quarter", "1", "--events-dir", events, "--events-flush-seconds", "0.2"};
  constexpr int kWritten = 200, kInFlight = 50;
  {
    Bannerd bannerd(index, flags);
    REQUIRE(bannerd.port() != 0);
    Response r;
    Conn conn(bannerd.port());
    for (int i = 0; i < kWritten; ++i) REQUIRE((conn.Get("/i/101/1001.gif", &r) && r.status == 200));
    // These have had several flush intervals: on disk, in the open dot-file.
    REQUIRE(Eventually([&] {
      return FetchMetric(bannerd.port(), "banner_events_bytes_written_total") >= kWritten * 9.0;  // "1001,101\n"
    }));
    // These are in the ring when the process dies.
    for (int i = 0; i < kInFlight; ++i) REQUIRE((conn.Get("/i/101/1001.gif", &r) && r.status == 200));
    bannerd.child().Signal(SIGKILL);
    REQUIRE(bannerd.child().Wait() == 128 + SIGKILL);
  }
  {
    // The next start on the folder cuts the dot-file to its last whole row
    // and renames it into place.
    Bannerd bannerd(index, flags);
    REQUIRE(bannerd.port() != 0);
    CHECK(bannerd.Log().find("events_recovered") != std::string::npos);
    CHECK(bannerd.Stop() == 0);
  }
  Child build({BANNERC_PATH, "build", events, "-o", dir / "next.idx"});
  REQUIRE(build.Wait() == 0);
  INFO(build.Output());
  const Kept impressions = SummaryOf(build.Output(), "impressions");
  CHECK(impressions.kept >= kWritten);
  CHECK(impressions.kept <= kWritten + kInFlight);
  CHECK(impressions.duplicate + impressions.rejected == 0);
  MESSAGE("SIGKILL with " << kInFlight << " events sent after the last confirmed write: "
                          << (kWritten + kInFlight - impressions.kept) << " lost");
}

TEST_CASE("fault: an events folder that takes no more bytes costs events, counted, and no request") {
  TempDir dir;
  const std::string index = dir / "current.idx";
  REQUIRE(PublishIndex(index, kLists));
  // Room for the headers and a few rows only.
  Bannerd bannerd(index, {"--quarter", "1", "--events-dir", dir / "incoming", "--events-flush-seconds", "0.05"}, {},
                  {}, {.file_size_limit = 100});
  REQUIRE(bannerd.port() != 0);
  Response r;
  for (int i = 0; i < 300; ++i) {
    REQUIRE(Fetch(bannerd.port(), "/i/101/1001.gif", &r));
    REQUIRE(r.status == 200);
  }
  const auto write_failed = [&] {
    Response m;
    if (!Fetch(bannerd.port(), "/metrics", &m)) return -1.0;
    return test::MetricValue(m.body, "banner_events_dropped_total{reason=\"write_failed\"} ");
  };
  CHECK(Eventually([&] { return write_failed() > 0; }));
  REQUIRE((Fetch(bannerd.port(), "/campaigns/5", &r) && r.status == 200));
  CHECK(bannerd.Stop() == 0);
  CHECK(bannerd.Log().find("events_write_failed") != std::string::npos);
}

}  // namespace
}  // namespace banner::reliability
