// Helpers for the server tests: indexes built with IndexWriter, a temporary
// folder, a small blocking HTTP/1.1 client over loopback, a cookie jar, and
// an in-process server on 127.0.0.1 port 0.
#pragma once

#include <time.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/server.h"

namespace banner::test {

struct TempDir {
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(std::string_view name) const { return path + "/" + std::string(name); }
  std::string path;
};

// One campaign's list in one quarter; banners in rank order. Banner i gets
// clicks = 100 - i and revenue = (10 - i) + 0.123456 (in micros).
struct ListSpec {
  int quarter;
  uint64_t campaign;
  std::vector<uint64_t> banners;
};

// REQUIRES: lists in ascending (quarter, campaign) order.
std::string BuildIndex(const std::vector<ListSpec>& lists, uint64_t seed = 1);
// Builds and publishes with WriteFileAtomically (as bannerc does).
void WriteIndex(const std::string& path, const std::vector<ListSpec>& lists, uint64_t seed = 1);

// The standard fixture: campaign 1 with 10 banners, 2 with 1 banner, 3 with 2
// banners, 4 with 5 banners, in every quarter; quarter q also has campaign
// 100 + q with the single banner 1000 + q.
std::vector<ListSpec> StandardLists();

struct HttpResponse {
  int status = 0;
  std::string head;  // status line + headers, as received
  std::multimap<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string Header(std::string_view name) const;  // first value or ""
  bool Has(std::string_view name) const;
};

// A blocking client with a receive timeout, so a broken server fails a test
// instead of hanging it.
class Client {
 public:
  explicit Client(uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool Send(std::string_view bytes);
  // Reads one response; for a HEAD request pass head = true (no body).
  bool Read(HttpResponse* out, bool head = false);
  // GET (or `method`) `target` on this connection, with extra header lines.
  bool Request(std::string_view target, HttpResponse* out, std::string_view extra_headers = {},
               std::string_view method = "GET");
  // True when the server closes the connection (EOF or reset) before the
  // timeout, with no further bytes.
  bool WaitClosed();

 private:
  bool Fill();
  int fd_ = -1;
  std::string buffer_;
};

// One request on a fresh connection.
HttpResponse Fetch(uint16_t port, std::string_view target, std::string_view extra_headers = {},
                   std::string_view method = "GET");

// Keeps the b{campaign} cookies the server sets.
class CookieJar {
 public:
  void Absorb(const HttpResponse& response);
  std::string HeaderLine() const;  // "Cookie: ...\r\n" or ""
 private:
  std::map<std::string, std::string> cookies_;
};

// An in-process server on 127.0.0.1:0 with the given index, 2 threads,
// quarter pinned to 1 unless options say otherwise.
struct TestServer {
  explicit TestServer(const std::string& index_path, ServerOptions options = DefaultOptions());
  static ServerOptions DefaultOptions();
  std::unique_ptr<Server> server;
  uint16_t port = 0;
};

// Polls `predicate` every 10 ms until true or `timeout`.
template <typename F>
bool Eventually(F predicate, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (predicate()) return true;
    struct timespec ts = {0, 10'000'000};
    nanosleep(&ts, nullptr);
  }
  return predicate();
}

// Value of a Prometheus sample line that starts with `prefix` (e.g.
// "banner_index_reload_failures_total "), or -1.
double MetricValue(const std::string& exposition, std::string_view prefix);

}  // namespace banner::test
