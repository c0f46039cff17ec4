// Hot swap: the index replaced under load (inotify), corrupt replacements,
// deleted files, explicit reloads. Suite "concurrency": run it under TSan.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "atomic_file.h"
#include "test_util.h"

namespace banner {
namespace {

using test::Client;
using test::Fetch;
using test::HttpResponse;

// Generation g of the test index: campaign 1 lists banners g*100 .. g*100+4.
std::vector<test::ListSpec> Generation(uint64_t g) {
  return {{1, 1, {g * 100, g * 100 + 1, g * 100 + 2, g * 100 + 3, g * 100 + 4}}, {1, 2, {7}}};
}

std::string Metrics(uint16_t port) { return Fetch(port, "/metrics").body; }

TEST_SUITE("concurrency") {
  TEST_CASE("hot swap under concurrent load: zero failed requests - new lists served after") {
    test::TempDir dir;
    const std::string path = dir / "index.bin";
    test::WriteIndex(path, Generation(1));
    test::TestServer server(path);
    constexpr uint64_t kSwaps = 30;

    std::atomic<bool> done{false};
    std::atomic<uint64_t> ok{0}, failed{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < 4; ++t) {
      clients.emplace_back([&, t] {
        while (!done.load()) {
          // Half keep-alive, half a fresh connection per request.
          Client c(server.port);
          test::CookieJar jar;
          uint64_t last = 0;
          for (int i = 0; i < (t % 2 == 0 ? 200 : 1) && !done.load(); ++i) {
            HttpResponse r;
            if (!c.Request("/api/campaigns/1", &r, jar.HeaderLine()) || r.status != 200) {
              failed.fetch_add(1);
              break;
            }
            const uint64_t banner = test::ChosenBanner(r);
            const uint64_t g = banner / 100;
            if (g < 1 || g > kSwaps + 1 || banner % 100 > 4) failed.fetch_add(1);
            // Within one generation never twice in a row.
            if (banner == last) failed.fetch_add(1);
            last = banner;
            jar.Absorb(r);
            ok.fetch_add(1);
          }
        }
      });
    }
    for (uint64_t g = 2; g <= kSwaps + 1; ++g) {
      test::WriteIndex(path, Generation(g));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // The last generation is eventually what every thread serves.
    CHECK(test::Eventually([&] {
      for (int i = 0; i < 20; ++i) {
        if (test::ChosenBanner(Fetch(server.port, "/api/campaigns/1")) / 100 != kSwaps + 1) return false;
      }
      return true;
    }));
    done = true;
    for (auto& t : clients) t.join();
    CHECK(failed.load() == 0);
    CHECK(ok.load() > 100);
    const std::string m = Metrics(server.port);
    CHECK(test::MetricValue(m, "banner_index_reload_failures_total ") == 0);
    CHECK(test::MetricValue(m, "banner_index_reloads_total ") >= 1);
    CHECK(server.server->current_generation() >= 2);
  }

  TEST_CASE("a corrupt replacement is refused - counted - and the old index keeps serving") {
    test::TempDir dir;
    const std::string path = dir / "index.bin";
    test::WriteIndex(path, Generation(1));
    test::TestServer server(path);

    std::atomic<bool> done{false};
    std::atomic<uint64_t> failed{0};
    std::thread client([&] {
      Client c(server.port);
      while (!done.load()) {
        HttpResponse r;
        if (!c.Request("/api/campaigns/1", &r) || r.status != 200 || test::ChosenBanner(r) / 100 != 1) failed.fetch_add(1);
      }
    });

    // Garbage, a truncated index, and one flipped byte.
    std::string good = test::BuildIndex(Generation(2));
    std::string flipped = good;
    flipped[flipped.size() / 2] ^= 0x40;
    const std::string bad[] = {"this is not an index", good.substr(0, good.size() / 2), flipped, ""};
    for (const std::string& bytes : bad) {
      REQUIRE(WriteFileAtomically(path, bytes).ok());
      std::this_thread::sleep_for(std::chrono::milliseconds(30));
    }
    CHECK(test::Eventually([&] {
      return test::MetricValue(Metrics(server.port), "banner_index_reload_failures_total ") >= 4;
    }));
    CHECK_FALSE(server.server->Reload().ok());
    done = true;
    client.join();
    CHECK(failed.load() == 0);
    CHECK(test::ChosenBanner(Fetch(server.port, "/api/campaigns/1")) / 100 == 1);
    CHECK(server.server->current_generation() == 1);

    // A good file afterwards is picked up.
    test::WriteIndex(path, Generation(2));
    CHECK(test::Eventually([&] { return test::ChosenBanner(Fetch(server.port, "/api/campaigns/1")) / 100 == 2; }));
  }

  TEST_CASE("index file deleted: still serving - Reload() fails - a new file is picked up") {
    test::TempDir dir;
    const std::string path = dir / "index.bin";
    test::WriteIndex(path, Generation(1));
    test::TestServer server(path);
    REQUIRE(std::filesystem::remove(path));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (int i = 0; i < 20; ++i) CHECK(Fetch(server.port, "/api/campaigns/1").status == 200);
    const Status st = server.server->Reload();
    CHECK_FALSE(st.ok());
    CHECK(Fetch(server.port, "/campaigns/2").status == 200);
    test::WriteIndex(path, Generation(3));
    CHECK(test::Eventually([&] { return test::ChosenBanner(Fetch(server.port, "/api/campaigns/1")) / 100 == 3; }));
  }

  TEST_CASE("index overwritten in place with garbage (cp / echo >): the served copy is untouched") {
    test::TempDir dir;
    const std::string path = dir / "index.bin";
    // Enough lists that the served data spans many pages.
    std::vector<test::ListSpec> lists;
    for (uint64_t c = 1; c <= 2000; ++c) lists.push_back({1, c, {c * 10, c * 10 + 1}});
    test::WriteIndex(path, lists);
    test::TestServer server(path);
    for (const char* junk : {"junk\n", ""}) {
      {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);  // same inode, truncated
        out << junk;
      }
      CHECK(test::Eventually([&] {
        return test::MetricValue(Metrics(server.port), "banner_index_reload_failures_total ") >= 1;
      }));
      for (uint64_t c : {1ull, 700ull, 1500ull, 2000ull}) {
        const uint64_t banner = test::ChosenBanner(Fetch(server.port, "/api/campaigns/" + std::to_string(c)));
        CHECK((banner == c * 10 || banner == c * 10 + 1));
      }
    }
  }

  TEST_CASE("--mmap: the mapped index is swapped by rename like the copied one") {
    test::TempDir dir;
    const std::string path = dir / "index.bin";
    test::WriteIndex(path, Generation(1));
    ServerOptions options = test::TestServer::DefaultOptions();
    options.map_index = true;
    test::TestServer server(path, options);
    CHECK(test::ChosenBanner(Fetch(server.port, "/api/campaigns/1")) / 100 == 1);
    for (uint64_t g = 2; g <= 5; ++g) {
      test::WriteIndex(path, Generation(g));
      CHECK(test::Eventually([&] { return test::ChosenBanner(Fetch(server.port, "/api/campaigns/1")) / 100 == g; }));
    }
  }

  TEST_CASE("Reload() publishes to every thread before returning") {
    test::TempDir dir;
    const std::string path = dir / "index.bin";
    test::WriteIndex(path, Generation(1));
    ServerOptions options = test::TestServer::DefaultOptions();
    options.watch = false;
    options.threads = 3;
    test::TestServer server(path, options);
    for (uint64_t g = 2; g <= 6; ++g) {
      test::WriteIndex(path, Generation(g));
      REQUIRE(server.server->Reload().ok());
      for (int i = 0; i < 12; ++i) CHECK(test::ChosenBanner(Fetch(server.port, "/api/campaigns/1")) / 100 == g);
    }
    CHECK(server.server->current_generation() == 6);
  }

  TEST_CASE("many concurrent connections and pipelined clients") {
    test::TempDir dir;
    const std::string path = dir / "index.bin";
    test::WriteIndex(path, test::StandardLists());
    test::TestServer server(path);
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&] {
        Client c(server.port);
        std::string batch;
        for (int i = 0; i < 20; ++i) batch += "GET /campaigns/4 HTTP/1.1\r\nHost: a\r\n\r\n";
        for (int round = 0; round < 10; ++round) {
          if (!c.Send(batch)) failures.fetch_add(1);
          for (int i = 0; i < 20; ++i) {
            HttpResponse r;
            if (!c.Read(&r) || r.status != 200) failures.fetch_add(1);
          }
        }
      });
    }
    for (auto& t : threads) t.join();
    CHECK(failures.load() == 0);
  }
}

}  // namespace
}  // namespace banner
