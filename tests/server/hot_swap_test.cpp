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

// The generation of the index served now (campaign 1's banner / 100).
uint64_t ServedGeneration(uint16_t port) { return test::ChosenBanner(Fetch(port, "/api/campaigns/1")) / 100; }

// Clients asking for campaign 1 until stopped: half on keep-alive
// connections of 200 requests with a cookie jar, half on a connection per
// request. A failed request, a banner outside generations 1..max_generation
// or the same banner twice in a row on one connection is counted as failed.
class Load {
 public:
  Load(uint16_t port, uint64_t max_generation) {
    for (int t = 0; t < 4; ++t) {
      threads_.emplace_back([this, port, max_generation, t] { Run(port, max_generation, t % 2 == 0 ? 200 : 1); });
    }
  }
  ~Load() { Stop(); }
  void Stop() {
    done_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  uint64_t ok() const { return ok_.load(); }
  uint64_t failed() const { return failed_.load(); }

 private:
  void Run(uint16_t port, uint64_t max_generation, int per_connection) {
    while (!done_.load()) {
      Client c(port);
      test::CookieJar jar;
      uint64_t last = 0;
      for (int i = 0; i < per_connection && !done_.load(); ++i) {
        HttpResponse r;
        if (!c.Request("/api/campaigns/1", &r, jar.HeaderLine()) || r.status != 200) {
          failed_.fetch_add(1);
          break;
        }
        const uint64_t banner = test::ChosenBanner(r);
        const uint64_t g = banner / 100;
        if (g < 1 || g > max_generation || banner % 100 > 4) failed_.fetch_add(1);
        // Within one generation never twice in a row.
        if (banner == last) failed_.fetch_add(1);
        last = banner;
        jar.Absorb(r);
        ok_.fetch_add(1);
      }
    }
  }
  std::atomic<bool> done_{false};
  std::atomic<uint64_t> ok_{0}, failed_{0};
  std::vector<std::thread> threads_;
};

// Only inotify may notice a change: no periodic check to hide a miss.
ServerOptions InotifyOnly() {
  ServerOptions options = test::TestServer::DefaultOptions();
  options.poll_interval = std::chrono::milliseconds(0);
  return options;
}

TEST_SUITE("concurrency") {
  TEST_CASE("hot swap under concurrent load: zero failed requests - new lists served after") {
    test::TempDir dir;
    const std::string path = dir / "index.bin";
    test::WriteIndex(path, Generation(1));
    test::TestServer server(path, InotifyOnly());
    constexpr uint64_t kSwaps = 30;

    Load load(server.port, kSwaps + 1);
    for (uint64_t g = 2; g <= kSwaps + 1; ++g) {
      test::WriteIndex(path, Generation(g));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // The last generation is eventually what every thread serves.
    CHECK(test::Eventually([&] {
      for (int i = 0; i < 20; ++i) {
        if (ServedGeneration(server.port) != kSwaps + 1) return false;
      }
      return true;
    }));
    load.Stop();
    CHECK(load.failed() == 0);
    CHECK(load.ok() > 100);
    const std::string m = Metrics(server.port);
    CHECK(test::MetricValue(m, "banner_index_reload_failures_total ") == 0);
    CHECK(test::MetricValue(m, "banner_index_reloads_total ") >= 1);
    CHECK(server.server->current_generation() >= 2);
  }

  TEST_CASE("the index's folder replaced under load (mv idx old && mv new idx): followed - the old folder is not") {
    namespace fs = std::filesystem;
    test::TempDir dir;
    fs::create_directory(dir / "idx");
    test::WriteIndex(dir / "idx/index.bin", Generation(1));
    test::TestServer server(dir / "idx/index.bin", InotifyOnly());
    constexpr uint64_t kSwaps = 12;

    Load load(server.port, kSwaps + 1);
    for (uint64_t g = 2; g <= kSwaps + 1; ++g) {
      CAPTURE(g);
      fs::create_directory(dir / "new");
      test::WriteIndex(dir / "new/index.bin", Generation(g));
      fs::rename(dir / "idx", dir / ("old" + std::to_string(g)));
      fs::rename(dir / "new", dir / "idx");
      CHECK(test::Eventually([&] { return ServedGeneration(server.port) == g; }));
    }
    load.Stop();
    CHECK(load.failed() == 0);
    CHECK(load.ok() > 100);

    // A write into the folder that was current before: no reload.
    const uint64_t generation = server.server->current_generation();
    test::WriteIndex(dir / ("old" + std::to_string(kSwaps + 1)) + "/index.bin", Generation(kSwaps + 5));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(server.server->current_generation() == generation);
    CHECK(ServedGeneration(server.port) == kSwaps + 1);
    // A write into the current one: reloaded.
    test::WriteIndex(dir / "idx/index.bin", Generation(kSwaps + 2));
    CHECK(test::Eventually([&] { return ServedGeneration(server.port) == kSwaps + 2; }));
  }

  TEST_CASE("the release symlink flipped under load (ln -sfn releases/N current.tmp && mv -T): followed") {
    namespace fs = std::filesystem;
    test::TempDir dir;
    fs::create_directories(dir / "dep/releases/1");
    test::WriteIndex(dir / "dep/releases/1/cur.idx", Generation(1));
    fs::create_directory_symlink("releases/1", dir / "dep/current");
    test::TestServer server(dir / "dep/current/cur.idx", InotifyOnly());
    constexpr uint64_t kSwaps = 12;

    Load load(server.port, kSwaps + 1);
    for (uint64_t g = 2; g <= kSwaps + 1; ++g) {
      CAPTURE(g);
      const std::string release = "releases/" + std::to_string(g);
      fs::create_directory(dir / ("dep/" + release));
      test::WriteIndex(dir / ("dep/" + release + "/cur.idx"), Generation(g));
      fs::create_directory_symlink(release, dir / "dep/current.tmp");
      fs::rename(dir / "dep/current.tmp", dir / "dep/current");  // mv -T: atomic
      CHECK(test::Eventually([&] { return ServedGeneration(server.port) == g; }));
    }
    load.Stop();
    CHECK(load.failed() == 0);
    CHECK(load.ok() > 100);
    // The path never went missing: no reload failed.
    CHECK(test::MetricValue(Metrics(server.port), "banner_index_reload_failures_total ") == 0);

    // The release before is not watched any more; the current one is.
    const uint64_t generation = server.server->current_generation();
    test::WriteIndex(dir / ("dep/releases/" + std::to_string(kSwaps) + "/cur.idx"), Generation(kSwaps + 5));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(server.server->current_generation() == generation);
    test::WriteIndex(dir / ("dep/releases/" + std::to_string(kSwaps + 1) + "/cur.idx"), Generation(kSwaps + 2));
    CHECK(test::Eventually([&] { return ServedGeneration(server.port) == kSwaps + 2; }));
  }

  TEST_CASE("symlinks deeper along the path and on the file itself are followed") {
    namespace fs = std::filesystem;
    test::TempDir dir;
    // --index top/link/cur.idx, link -> ../store/a, cur.idx -> files/1.idx
    fs::create_directories(dir / "top");
    fs::create_directories(dir / "store/a/files");
    fs::create_directories(dir / "store/b/files");
    test::WriteIndex(dir / "store/a/files/1.idx", Generation(1));
    fs::create_symlink("files/1.idx", dir / "store/a/cur.idx");
    fs::create_directory_symlink("../store/a", dir / "top/link");
    test::TestServer server(dir / "top/link/cur.idx", InotifyOnly());

    // The file's own symlink re-pointed (atomically).
    test::WriteIndex(dir / "store/a/files/2.idx", Generation(2));
    fs::create_symlink("files/2.idx", dir / "store/a/cur.tmp");
    fs::rename(dir / "store/a/cur.tmp", dir / "store/a/cur.idx");
    CHECK(test::Eventually([&] { return ServedGeneration(server.port) == 2; }));
    // The target replaced by rename.
    test::WriteIndex(dir / "store/a/files/2.idx", Generation(3));
    CHECK(test::Eventually([&] { return ServedGeneration(server.port) == 3; }));
    // The folder symlink re-pointed to another store.
    test::WriteIndex(dir / "store/b/files/9.idx", Generation(4));
    fs::create_symlink("files/9.idx", dir / "store/b/cur.idx");
    fs::create_directory_symlink("../store/b", dir / "top/link.tmp");
    fs::rename(dir / "top/link.tmp", dir / "top/link");
    CHECK(test::Eventually([&] { return ServedGeneration(server.port) == 4; }));
    // The old store no longer counts.
    const uint64_t generation = server.server->current_generation();
    test::WriteIndex(dir / "store/a/files/2.idx", Generation(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(server.server->current_generation() == generation);
    CHECK(test::MetricValue(Metrics(server.port), "banner_index_reload_failures_total ") == 0);
  }

  TEST_CASE("the periodic check picks up a change without inotify") {
    test::TempDir dir;
    const std::string path = dir / "index.bin";
    test::WriteIndex(path, Generation(1));
    ServerOptions options = test::TestServer::DefaultOptions();
    options.watch = false;
    options.poll_interval = std::chrono::milliseconds(50);
    test::TestServer server(path, options);
    test::WriteIndex(path, Generation(2));
    CHECK(test::Eventually([&] { return ServedGeneration(server.port) == 2; }));
    // An unchanged file is not reloaded again and again.
    const uint64_t generation = server.server->current_generation();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(server.server->current_generation() == generation);
  }

  TEST_CASE("a corrupt replacement is refused - counted - and the old index keeps serving") {
    test::TempDir dir;
    const std::string path = dir / "index.bin";
    test::WriteIndex(path, Generation(1));
    test::TestServer server(path, InotifyOnly());

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

  TEST_CASE("index file deleted: counted at once - still serving - Reload() fails - a new file is picked up") {
    test::TempDir dir;
    const std::string path = dir / "index.bin";
    test::WriteIndex(path, Generation(1));
    test::TestServer server(path, InotifyOnly());
    REQUIRE(std::filesystem::remove(path));
    CHECK(test::Eventually([&] {
      return test::MetricValue(Metrics(server.port), "banner_index_reload_failures_total ") == 1;
    }));
    for (int i = 0; i < 20; ++i) CHECK(Fetch(server.port, "/api/campaigns/1").status == 200);
    const Status st = server.server->Reload();
    CHECK_FALSE(st.ok());
    CHECK(Fetch(server.port, "/campaigns/2").status == 200);
    test::WriteIndex(path, Generation(3));
    CHECK(test::Eventually([&] { return ServedGeneration(server.port) == 3; }));
    // Renamed away: the same.
    std::filesystem::rename(path, dir / "index.old");
    CHECK(test::Eventually([&] {
      return test::MetricValue(Metrics(server.port), "banner_index_reload_failures_total ") == 3;
    }));
    CHECK(ServedGeneration(server.port) == 3);
  }

  TEST_CASE("index overwritten in place with garbage (cp / echo >): the served copy is untouched") {
    test::TempDir dir;
    const std::string path = dir / "index.bin";
    // Enough lists that the served data spans many pages.
    std::vector<test::ListSpec> lists;
    for (uint64_t c = 1; c <= 2000; ++c) lists.push_back({1, c, {c * 10, c * 10 + 1}});
    test::WriteIndex(path, lists);
    test::TestServer server(path, InotifyOnly());
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
    options.poll_interval = std::chrono::milliseconds(0);
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
