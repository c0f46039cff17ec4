// The event log (event_log.h) on its own, and the event routes over HTTP:
// what is recorded, what is not, and the files it leaves.
#include <dirent.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "common/files.h"
#include "event_log.h"
#include "test_util.h"

namespace banner {
namespace {

using test::Fetch;
using test::HttpResponse;
using test::ReadFile;
using test::TempDir;

std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The rows (header excluded) of every file of `kind` in `dir`.
std::vector<std::string> Rows(const std::string& dir, std::string_view kind) {
  std::vector<std::string> rows;
  for (const std::string& name : FilesIn(dir)) {
    if (!name.starts_with(std::string(kind) + "_")) continue;
    const std::string text = ReadFile(dir + "/" + name);
    size_t begin = text.find('\n') + 1;
    while (begin < text.size()) {
      const size_t end = text.find('\n', begin);
      rows.push_back(text.substr(begin, end - begin));
      begin = end + 1;
    }
  }
  return rows;
}

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

TEST_CASE("click_id: host, second, thread and counter packed in 63 bits, unique within and across threads") {
  const uint64_t id = PackClickId(kMaxHostId, (uint64_t{1} << 31) - 1, kMaxEventThreads - 1, kClickIdsPerSecond - 1);
  CHECK(id == (uint64_t{1} << 63) - 1);
  CHECK(PackClickId(1, 0, 0, 0) == uint64_t{1} << 53);
  CHECK(PackClickId(0, 1, 0, 0) == uint64_t{1} << 22);
  CHECK(PackClickId(0, 0, 1, 0) == uint64_t{1} << 14);

  EventSink a(4, 7, 0), b(4, 7, 1);
  std::set<uint64_t> ids;
  const int64_t now = Now();
  // More than one second's worth: the counter borrows the next second.
  for (uint32_t i = 0; i < kClickIdsPerSecond + 10; ++i) {
    ids.insert(a.NextClickId(now));
    ids.insert(b.NextClickId(now));
  }
  CHECK(ids.size() == 2 * (kClickIdsPerSecond + 10));
  // A clock stepped back never makes a thread reuse an id.
  const uint64_t before = a.NextClickId(now + 5);
  CHECK(a.NextClickId(now - 100) > before);
  CHECK(*ids.rbegin() < uint64_t{1} << 63);
}

TEST_CASE("an EventSink drops and counts what a full ring cannot hold") {
  EventSink sink(4, 0, 0);
  Event e;
  for (int i = 0; i < 6; ++i) sink.Record(e);
  CHECK(sink.recorded(EventKind::kImpression) == 4);
  CHECK(sink.dropped() == 2);
  std::vector<Event> out;
  sink.Drain(&out);
  CHECK(out.size() == 4);
  CHECK(sink.Record(e));  // room again
}

TEST_CASE("EventLog writes bannerc's CSVs under dot-names and renames them into place") {
  TempDir dir;
  EventLogOptions options;
  options.dir = dir.path().string();
  options.host = "web-1";
  options.rotate_seconds = 900;
  options.flush_interval = std::chrono::milliseconds(20);
  Status st;
  auto log = EventLog::Create(options, 2, &st);
  REQUIRE(log);
  log->Start();
  const int64_t now = Now();
  log->sink(0)->Record(Event{now, 7, 70, 0, EventKind::kImpression, 2});
  log->sink(1)->Record(Event{now, 7, 71, 0, EventKind::kImpression, 2});
  log->sink(1)->Record(Event{now, 7, 71, 12345, EventKind::kClick, 2});
  // Written under the dot-name while the quarter-hour is open.
  CHECK(test::Eventually([&] {
    const auto names = FilesIn(dir.path().string());
    return names.size() == 2 && names[0].starts_with(".clicks_2_web-1_") && names[1].starts_with(".impressions_2_web-1_");
  }));
  log->Stop();
  const auto names = FilesIn(dir.path().string());
  REQUIRE(names.size() == 2);
  CHECK(names[0].starts_with("clicks_2_web-1_"));
  CHECK(names[0].ends_with("Z.csv"));
  CHECK(ReadFile(dir.path().string() + "/" + names[0]) == "click_id,banner_id,campaign_id\n12345,71,7\n");
  const std::string impressions = ReadFile(dir.path().string() + "/" + names[1]);
  CHECK(impressions.starts_with("banner_id,campaign_id\n"));
  CHECK(impressions.find("70,7\n") != std::string::npos);
  CHECK(impressions.find("71,7\n") != std::string::npos);
  std::string metrics;
  log->RenderMetrics(now, &metrics);
  CHECK(metrics.find("banner_events_recorded_total{kind=\"impression\"} 2\n") != std::string::npos);
  CHECK(metrics.find("banner_events_files_closed_total 2\n") != std::string::npos);
}

TEST_CASE("EventLog closes a file when its period ends, and a new period opens a new file") {
  TempDir dir;
  EventLogOptions options;
  options.dir = dir.path().string();
  options.host = "h";
  options.rotate_seconds = 1;
  options.flush_interval = std::chrono::milliseconds(20);
  Status st;
  auto log = EventLog::Create(options, 1, &st);
  REQUIRE(log);
  log->Start();
  const int64_t now = Now();
  log->sink(0)->Record(Event{now, 1, 10, 0, EventKind::kImpression, 1});
  log->sink(0)->Record(Event{now + 1, 1, 11, 0, EventKind::kImpression, 1});
  // Closed by the writer itself, once the periods and their grace are over.
  CHECK(test::Eventually([&] { return FilesIn(dir.path().string()).size() == 2 && FilesIn(dir.path().string())[0][0] == 'i'; }));
  CHECK(Rows(dir.path().string(), "impressions").size() == 2);
}

TEST_CASE("EventLog refuses bad options, and recovers the dot-files a crash left") {
  TempDir dir;
  EventLogOptions options;
  options.dir = dir.path().string();
  options.host = "h";
  Status st;
  options.rotate_seconds = 7;
  CHECK(!EventLog::Create(options, 1, &st));
  CHECK(st.message().find("divide 900") != std::string::npos);
  options.rotate_seconds = 900;
  options.host = "a_b";
  CHECK(!EventLog::Create(options, 1, &st));
  options.host = "h";

  test::WriteFile(dir.path().string() + "/.clicks_1_h_20260101T000000Z_20260101T000000Z.csv",
                  "click_id,banner_id,campaign_id\n1,10,1\n2,1");  // the crash cut the last row
  test::WriteFile(dir.path().string() + "/.impressions_1_h_20260101T000000Z_20260101T000000Z.csv", "banner_id,camp");
  REQUIRE(EventLog::Create(options, 1, &st));
  CHECK(FilesIn(dir.path().string()) == std::vector<std::string>{"clicks_1_h_20260101T000000Z_20260101T000000Z.csv"});
  CHECK(ReadFile(dir.path().string() + "/clicks_1_h_20260101T000000Z_20260101T000000Z.csv") ==
        "click_id,banner_id,campaign_id\n1,10,1\n");
}

ServerOptions EventOptions(const std::string& events_dir, const std::string& click_target) {
  ServerOptions options = test::TestServer::DefaultOptions();
  options.events_dir = events_dir;
  options.click_target = click_target;
  options.events_host = "test";
  options.events_flush_interval = std::chrono::milliseconds(20);
  return options;
}

TEST_CASE("event routes: clicks redirect, beacons are GIFs, pages record and link; HEAD and prefetch record nothing") {
  TempDir events;
  test::ServedIndex f(test::StandardLists(), EventOptions(events.path().string(), "https://shop.example/?c={campaign_id}&b={banner_id}"));

  HttpResponse r = Fetch(f.port, "/click/101/1001");
  CHECK(r.status == 302);
  CHECK(r.Header("location") == "https://shop.example/?c=101&b=1001");
  CHECK(r.Header("cache-control") == "no-store");

  r = Fetch(f.port, "/i/101/1001.gif");
  CHECK(r.status == 200);
  CHECK(r.Header("content-type") == "image/gif");
  CHECK(r.Header("cache-control") == "no-store");
  CHECK(r.body.size() == 43);
  CHECK(r.body.starts_with("GIF89a"));

  r = Fetch(f.port, "/campaigns/101");
  CHECK(r.status == 200);
  CHECK(r.body.find("<a href=\"/click/101/1001\"><img src=\"/images/1001\"") != std::string::npos);
  r = Fetch(f.port, "/api/campaigns/101");
  CHECK(r.body.find("\"impression_url\":\"/i/101/1001.gif\",\"click_url\":\"/click/101/1001\"") != std::string::npos);

  // Not recorded: bots, prefetches, pairs not on the current list, bad ids.
  CHECK(Fetch(f.port, "/click/101/1001", {}, "HEAD").status == 302);
  CHECK(Fetch(f.port, "/i/101/1001.gif", "Sec-Purpose: prefetch;prerender\r\n").status == 200);
  CHECK(Fetch(f.port, "/campaigns/101", "Purpose: prefetch\r\n").status == 200);
  CHECK(Fetch(f.port, "/click/101/1002").status == 404);  // banner 1002 is quarter 2's
  CHECK(Fetch(f.port, "/click/102/1002").status == 404);
  CHECK(Fetch(f.port, "/i/101/1001").status == 404);
  CHECK(Fetch(f.port, "/click/101").status == 400);
  CHECK(Fetch(f.port, "/click/101/x").status == 400);

  const std::string metrics = Fetch(f.port, "/metrics").body;
  CHECK(metrics.find("banner_events_recorded_total{kind=\"impression\"} 2\n") != std::string::npos);
  CHECK(metrics.find("banner_events_recorded_total{kind=\"click\"} 1\n") != std::string::npos);
  CHECK(metrics.find("banner_http_requests_total{route=\"click\",status=\"302\"} 2\n") != std::string::npos);

  f.server->server->Stop();
  f.server->server->Wait();
  CHECK(Rows(events.path().string(), "impressions") == std::vector<std::string>{"1001,101", "1001,101"});
  const auto clicks = Rows(events.path().string(), "clicks");
  REQUIRE(clicks.size() == 1);
  CHECK(clicks[0].ends_with(",1001,101"));
}

TEST_CASE("event routes: without --click-target a thanks page; without --events-dir no event routes") {
  TempDir events;
  {
    test::ServedIndex f(test::StandardLists(), EventOptions(events.path().string(), ""));
    const HttpResponse r = Fetch(f.port, "/click/101/1001");
    CHECK(r.status == 200);
    CHECK(r.body.find("Thanks") != std::string::npos);
  }
  test::ServedIndex plain;
  CHECK(Fetch(plain.port, "/click/101/1001").status == 404);
  CHECK(Fetch(plain.port, "/i/101/1001.gif").status == 404);
  CHECK(Fetch(plain.port, "/campaigns/101").body.find("/click/") == std::string::npos);
  CHECK(Fetch(plain.port, "/api/campaigns/101").body.find("click_url") == std::string::npos);
}

TEST_CASE("a --click-target with CR or LF is refused at start") {
  TempDir dir, events;
  test::WriteIndex(dir.path().string() + "/i.idx", test::StandardLists());
  for (const char* target : {"https://x.example/\r\nSet-Cookie: a=b", "https://x.example/\n", "a\tb"}) {
    ServerOptions options = EventOptions(events.path().string(), target);
    options.index_path = dir.path().string() + "/i.idx";
    Status st;
    CHECK(!Server::Create(options, &st));
    CHECK(st.message().find("--click-target") != std::string::npos);
  }
}

}  // namespace
}  // namespace banner
