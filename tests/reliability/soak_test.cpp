// Soak: sustained keep-alive load on the bannerd binary while the index is
// replaced every second (WriteFileAtomically of an IndexWriter image,
// alternating two different lists). Zero failed requests, the new list
// served after each swap, memory flat.
//
// BANNER_SOAK_SECONDS sets the length (default 10, the ctest version); the
// long manual run is e.g. BANNER_SOAK_SECONDS=600 (see README.md).
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "support.h"

namespace banner::reliability {
namespace {

// Generation A lists campaign 1 as banners 101..105, B as 201..205;
// campaign 2 is 109 or 209.
std::vector<ListSpec> Lists(uint64_t g) {
  return {{1, 1, {g * 100 + 1, g * 100 + 2, g * 100 + 3, g * 100 + 4, g * 100 + 5}}, {1, 2, {g * 100 + 9}}};
}

int SoakSeconds() {
  const char* env = std::getenv("BANNER_SOAK_SECONDS");
  const int s = env != nullptr ? std::atoi(env) : 0;
  return s > 0 ? s : 10;
}

TEST_CASE("soak: keep-alive load with an index swap every second: no failed request and new lists served and flat memory" * doctest::test_suite("concurrency")) {
  const int seconds = SoakSeconds();
  TempDir dir;
  const std::string index = dir / "index.bin";
  REQUIRE(PublishIndex(index, Lists(1)));
  Bannerd server(index, {"--threads", "2", "--quarter", "1"});
  REQUIRE(server.port() != 0);
  const pid_t pid = server.child().pid();

  std::atomic<bool> done{false};
  std::atomic<uint64_t> ok{0}, failed{0}, repeats{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t) {
    clients.emplace_back([&, t] {
      uint64_t n = 0;
      while (!done) {
        // A keep-alive connection for 1000 requests, then a new one.
        Conn c(server.port());
        std::string cookie;
        uint64_t last = 0;
        for (int i = 0; i < 1000 && !done; ++i, ++n) {
          Response r;
          const bool page = (n + static_cast<uint64_t>(t)) % 10 == 0;
          if (page) {
            // The HTML page of the one-banner campaign: either generation.
            if (!c.Get("/campaigns/2", &r) || r.status != 200 ||
                (r.body.find("/images/109\"") == std::string::npos &&
                 r.body.find("/images/209\"") == std::string::npos)) {
              failed.fetch_add(1);
              break;
            }
          } else {
            if (!c.Get("/api/campaigns/1", &r, cookie) || r.status != 200) {
              failed.fetch_add(1);
              break;
            }
            const uint64_t b = ChosenBanner(r);
            if (b % 100 < 1 || b % 100 > 5 || (b / 100 != 1 && b / 100 != 2)) failed.fetch_add(1);
            if (b == last) repeats.fetch_add(1);  // never the same banner twice in a row
            last = b;
            // The cookie jar of a browser that only ever sees bannerd's one cookie.
            const std::string set = r.Header("set-cookie");
            cookie = "Cookie: " + set.substr(0, set.find(';')) + "\r\n";
          }
          ok.fetch_add(1);
        }
      }
    });
  }

  // Warm-up, then the memory baseline.
  REQUIRE(Eventually([&] { return ok.load() > 2000 || failed.load() > 0; }));
  const long rss_start = RssKiB(pid);
  long rss_peak = rss_start;
  const auto start = Clock::now();
  const uint64_t ok_start = ok.load();
  int swaps = 0, missed = 0;
  double slowest_swap_ms = 0;
  for (uint64_t g = 2; Clock::now() - start < std::chrono::seconds(seconds); g = 3 - g) {
    const auto next = Clock::now() + std::chrono::seconds(1);
    const auto t0 = Clock::now();
    REQUIRE(PublishIndex(index, Lists(g)));
    ++swaps;
    // The new list is what a new client gets, soon.
    const bool seen = Eventually(
        [&] {
          for (int i = 0; i < 5; ++i) {
            Response r;
            if (!Fetch(server.port(), "/api/campaigns/1", &r) || ChosenBanner(r) / 100 != g) return false;
          }
          return true;
        },
        std::chrono::milliseconds(10'000));
    if (!seen) ++missed;
    slowest_swap_ms = std::max(slowest_swap_ms, std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    rss_peak = std::max(rss_peak, RssKiB(pid));
    std::this_thread::sleep_until(next);
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  done = true;
  for (auto& t : clients) t.join();
  const long rss_end = RssKiB(pid);
  const uint64_t requests = ok.load() - ok_start;
  const double reloads = FetchMetric(server.port(), "banner_index_reloads_total");
  const double reload_failures = FetchMetric(server.port(), "banner_index_reload_failures_total");
  MESSAGE("soak " << elapsed << " s: " << requests << " requests (" << requests / elapsed << " req/s) on 3 keep-alive "
                  << "clients, " << swaps << " swaps (" << reloads << " reloads, " << reload_failures
                  << " failed), slowest swap seen after " << slowest_swap_ms << " ms; bannerd VmRSS " << rss_start
                  << " KiB at start, " << rss_peak << " peak, " << rss_end << " at end");
  CHECK(failed.load() == 0);
  CHECK(repeats.load() == 0);
  CHECK(missed == 0);
  CHECK(swaps >= std::max(2, seconds / 2));  // one a second, unless a swap took long to show
  CHECK(reloads >= swaps);  // inotify may reload more than once per swap
  CHECK(reload_failures == 0);
  CHECK(requests > 1000);
  if (!SanitizedBuild()) CHECK(rss_end - rss_start < 8 * 1024);  // flat: under 8 MiB of growth
  CHECK(server.Stop() == 0);
  CHECK(server.Log().find("Sanitizer") == std::string::npos);
}

}  // namespace
}  // namespace banner::reliability
