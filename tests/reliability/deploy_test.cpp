// Deployment layouts against the bannerd binary: a relative --index that
// goes through a release symlink (`ln -s releases/N current.tmp && mv -T
// current.tmp current`) and a release folder replaced by another, under a
// keep-alive load. Only inotify may notice (--poll-interval 0).
#include <atomic>
#include <filesystem>
#include <string>
#include <thread>

#include <doctest/doctest.h>

#include "support.h"

namespace banner::reliability {
namespace {

namespace fs = std::filesystem;

// Generation g lists campaign 1 as banners g*100+1 .. g*100+5.
std::vector<ListSpec> Lists(uint64_t g) {
  return {{1, 1, {g * 100 + 1, g * 100 + 2, g * 100 + 3, g * 100 + 4, g * 100 + 5}}};
}

uint64_t Served(uint16_t port) {
  Response r;
  return Fetch(port, "/api/campaigns/1", &r) ? ChosenBanner(r) / 100 : 0;
}

TEST_CASE("deploy: a relative --index through a release symlink follows each flip and a folder swap under load" *
          doctest::test_suite("concurrency")) {
  TempDir dir;
  fs::create_directories(dir / "dep/releases/1");
  REQUIRE(PublishIndex(dir / "dep/releases/1/cur.idx", Lists(1)));
  fs::create_directory_symlink("releases/1", dir / "dep/current");
  Bannerd server("dep/current/cur.idx", {"--threads", "2", "--quarter", "1", "--poll-interval", "0"}, dir.path());
  REQUIRE(server.port() != 0);

  std::atomic<bool> done{false};
  std::atomic<uint64_t> ok{0}, failed{0};
  std::thread client([&] {
    while (!done) {
      Conn c(server.port());
      for (int i = 0; i < 500 && !done; ++i) {
        Response r;
        const uint64_t banner = c.Get("/api/campaigns/1", &r) ? ChosenBanner(r) : 0;
        if (r.status != 200 || banner % 100 < 1 || banner % 100 > 5) {
          failed.fetch_add(1);
          break;
        }
        ok.fetch_add(1);
      }
    }
  });

  constexpr uint64_t kFlips = 6;
  for (uint64_t g = 2; g <= kFlips; ++g) {
    CAPTURE(g);
    const std::string release = "releases/" + std::to_string(g);
    fs::create_directory(dir / ("dep/" + release));
    REQUIRE(PublishIndex(dir / ("dep/" + release + "/cur.idx"), Lists(g)));
    fs::create_directory_symlink(release, dir / "dep/current.tmp");
    fs::rename(dir / "dep/current.tmp", dir / "dep/current");
    CHECK(Eventually([&] { return Served(server.port()) == g; }));
  }
  CHECK(FetchMetric(server.port(), "banner_index_reload_failures_total") == 0);
  CHECK(server.Log().find("event=index_path_followed") != std::string::npos);

  // The current release's folder itself replaced (mv 6 6.old && mv new 6).
  fs::create_directory(dir / "dep/releases/new");
  REQUIRE(PublishIndex(dir / "dep/releases/new/cur.idx", Lists(kFlips + 1)));
  const std::string current = dir / ("dep/releases/" + std::to_string(kFlips));
  fs::rename(current, current + ".old");
  fs::rename(dir / "dep/releases/new", current);
  CHECK(Eventually([&] { return Served(server.port()) == kFlips + 1; }));

  done = true;
  client.join();
  CHECK(failed.load() == 0);
  CHECK(ok.load() > 0);
  CHECK(server.Stop() == 0);
  CHECK(server.Log().find("Sanitizer") == std::string::npos);
}

}  // namespace
}  // namespace banner::reliability
