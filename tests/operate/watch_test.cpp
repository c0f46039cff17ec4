// bannerc watch end to end, with bannerd serving its index under load:
// batches copied in file by file are built once each and served with no
// failed request; a partial upload (a hidden file) is not built; a bad batch
// leaves the index as it was and is logged; a new sub-folder is watched.
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "reliability/support.h"

namespace banner::reliability {
namespace {

namespace fs = std::filesystem;
using test::WriteFile;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

// The last log record of `event`, or "".
std::string LastRecord(const std::string& log, const std::string& event) {
  const size_t p = log.rfind("event=" + event + " ");
  if (p == std::string::npos) return "";
  return log.substr(p, log.find('\n', p) - p);
}

// The first banner of campaign 7's list, as bannerd serves it; 0 on failure.
uint64_t TopBanner(uint16_t port) {
  Response r;
  if (!Fetch(port, "/api/campaigns/7", &r) || r.status != 200) return 0;
  const std::string key = "\"banners\":[{\"banner_id\":";
  const size_t p = r.body.find(key);
  return p == std::string::npos ? 0 : std::strtoull(r.body.c_str() + p + key.size(), nullptr, 10);
}

// A batch that makes `banner` campaign 7's best: three files, written one at
// a time, as a copy of them lands. Returns the longest time between the end
// of one write and the end of the next: a watch is only bound to build the
// batch once if that stayed under its settle time, which a loaded machine
// can stretch.
milliseconds CopyBatch(const std::string& dir, const std::string& suffix, uint64_t banner, uint64_t first_click) {
  const std::string c = std::to_string(first_click);
  const std::string files[][2] = {
      {"clicks_1" + suffix + ".csv", "click_id,banner_id,campaign_id\n" + c + "," + std::to_string(banner) + ",7\n"},
      {"conversions_1" + suffix + ".csv", "conversion_id,click_id,revenue\n" + c + "," + c + ",500.0\n"},
      {"impressions_1" + suffix + ".csv", "banner_id,campaign_id\n" + std::to_string(banner) + ",7\n"},
  };
  milliseconds longest{0};
  Clock::time_point last{};
  for (const auto& [name, bytes] : files) {
    if (last != Clock::time_point{}) std::this_thread::sleep_for(milliseconds(150));
    WriteFile(dir + "/" + name, bytes);
    const Clock::time_point now = Clock::now();
    if (last != Clock::time_point{}) longest = std::max(longest, std::chrono::duration_cast<milliseconds>(now - last));
    last = now;
  }
  return longest;
}

}  // namespace

TEST_CASE("watch: batches are built once each and served under load - a bad batch changes nothing" *
          doctest::test_suite("concurrency")) {
  TempDir d;
  const std::string in = d / "in", index = d / "out/index.bin";
  fs::create_directories(d / "out");
  WriteFile(in + "/1/clicks_1.csv", "click_id,banner_id,campaign_id\n1,10,7\n2,11,7\n3,12,7\n4,13,7\n5,14,7\n");
  WriteFile(in + "/1/conversions_1.csv", "conversion_id,click_id,revenue\n1,1,1.0\n");
  constexpr double kSettle = 1.5;
  const milliseconds quiet(static_cast<int>(kSettle * 2000));
  Child watch({BANNERC_PATH, "watch", in, "-o", index, "--settle", "1.5", "--threads", "1"});
  REQUIRE(Eventually([&] { return Count(watch.Output(), "event=build_ok") == 1; }));

  Bannerd server(index, {"--quarter", "1", "--threads", "2"});
  REQUIRE(server.port() != 0);
  REQUIRE(TopBanner(server.port()) == 10);

  std::atomic<bool> done{false};
  std::atomic<uint64_t> ok{0}, failed{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 2; ++t) {
    clients.emplace_back([&] {
      while (!done) {
        Conn c(server.port());
        for (int i = 0; i < 200 && !done; ++i) {
          Response r;
          if (!c.Get("/api/campaigns/7", &r) || r.status != 200) {
            failed.fetch_add(1);
            break;
          }
          ok.fetch_add(1);
        }
      }
    });
  }

  // A batch, file by file: one build, then served.
  const milliseconds gap = CopyBatch(in + "/1", "_b1", 77, 100);
  REQUIRE(Eventually([&] { return TopBanner(server.port()) == 77; }));
  std::this_thread::sleep_for(quiet);
  INFO("the longest pause between the batch's files: ", gap.count(), " ms");
  CHECK(Count(watch.Output(), "event=build_ok") == 2);
  CHECK(LastRecord(watch.Output(), "build_ok").find(" inputs=5 carried=none ") != std::string::npos);

  // A partial upload is not built; once renamed into place it is.
  WriteFile(in + "/1/.clicks_1_b2.csv.Q2x9", "click_id,banner_id,campaign_id\n200,88,7\n");
  std::this_thread::sleep_for(quiet);
  CHECK(Count(watch.Output(), "event=build_") == 2);
  WriteFile(in + "/1/conversions_1_b2.csv", "conversion_id,click_id,revenue\n200,200,900.0\n");
  fs::rename(in + "/1/.clicks_1_b2.csv.Q2x9", in + "/1/clicks_1_b2.csv");
  REQUIRE(Eventually([&] { return TopBanner(server.port()) == 88; }));
  // bannerc logs a build after the index is in place, so bannerd may serve it
  // before the record reaches us; a second build would show in the counts below.
  CHECK(Eventually([&] { return Count(watch.Output(), "event=build_ok") == 3; }));

  // A bad batch: logged, the index as it was, still served.
  const std::string before = ReadFile(index);
  WriteFile(in + "/1/clicks_1_b3.csv", "click_id,banner_id,campaign_id\n300,99,seven\n");
  REQUIRE(Eventually([&] { return Count(watch.Output(), "event=build_failed") == 1; }));
  CHECK(Count(watch.Output(), "event=build_") == 4);
  const std::string failure = LastRecord(watch.Output(), "build_failed");
  CHECK(failure.find("first_bad_row=\"1/clicks_1_b3.csv:2: campaign_id is not a non-negative integer") !=
        std::string::npos);
  CHECK(failure.find("action=\"kept the index as it was; the next change retries\"") != std::string::npos);
  CHECK(ReadFile(index) == before);
  CHECK(TopBanner(server.port()) == 88);

  // Taken away again: the next build is retried and finds nothing to change.
  fs::remove(in + "/1/clicks_1_b3.csv");
  REQUIRE(Eventually([&] { return Count(watch.Output(), "event=build_unchanged") == 1; }));
  CHECK(Count(watch.Output(), "event=build_") == 5);
  CHECK(ReadFile(index) == before);

  // A new sub-folder is watched: quarter 2 arrives, quarter 1 is carried over.
  WriteFile(in + "/2/late/clicks_2.csv", "click_id,banner_id,campaign_id\n1,20,7\n");
  REQUIRE(Eventually([&] { return Count(watch.Output(), "event=build_ok") == 4; }));
  CHECK(Count(watch.Output(), "event=build_") == 6);
  CHECK(LastRecord(watch.Output(), "build_ok").find(" carried=1 campaigns=1,1,0,0 ") != std::string::npos);

  done = true;
  for (auto& t : clients) t.join();
  CHECK(failed.load() == 0);
  CHECK(ok.load() > 100);
  MESSAGE(ok.load() << " requests, " << failed.load() << " failed, while the index was rebuilt "
                    << Count(watch.Output(), "event=build_") << " times");

  watch.Signal(SIGTERM);
  CHECK(watch.Wait() == 0);
  CHECK(watch.Output().find("event=watch_stop reason=sigterm") != std::string::npos);
  CHECK(server.Stop() == 0);
}

TEST_CASE("watch: SIGHUP rebuilds every quarter now, and an index that would not change is left alone") {
  TempDir d;
  WriteFile(d / "in/1/clicks_1.csv", "click_id,banner_id,campaign_id\n1,10,7\n");
  WriteFile(d / "in/2/clicks_2.csv", "click_id,banner_id,campaign_id\n1,20,7\n");
  Child watch({BANNERC_PATH, "watch", d / "in", "-o", d / "index.bin", "--settle", "600"});
  REQUIRE(Eventually([&] { return Count(watch.Output(), "event=build_ok") == 1; }));  // at start: no settling
  const auto written = fs::last_write_time(d / "index.bin");
  watch.Signal(SIGHUP);
  REQUIRE(Eventually([&] { return Count(watch.Output(), "event=build_unchanged") == 1; }));
  CHECK(LastRecord(watch.Output(), "build_unchanged").find(" carried=none ") != std::string::npos);
  CHECK(fs::last_write_time(d / "index.bin") == written);
  watch.Signal(SIGINT);
  CHECK(watch.Wait() == 0);
  CHECK(watch.Output().find("event=watch_stop reason=sigint") != std::string::npos);
}

TEST_CASE("watch: a folder that is not there is an error at once") {
  TempDir d;
  Child watch({BANNERC_PATH, "watch", d / "missing", "-o", d / "index.bin"});
  CHECK(watch.Wait() == 2);  // INPUT_DIR must exist: a usage error
}

}  // namespace banner::reliability
