// Helpers for the server tests: the standard index fixture, the pure handler
// on an index (no sockets), a small blocking HTTP/1.1 client over loopback, a
// cookie jar, and an in-process server on 127.0.0.1 port 0. Folders, index files, polling and response values come
// from tests/common (included here, as most server tests use them).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/eventually.h"
#include "common/index_fixture.h"
#include "common/response_values.h"
#include "common/temp_dir.h"
#include "exchange.h"
#include "index_holder.h"
#include "metrics.h"
#include "rng.h"
#include "server.h"

namespace banner::test {

// The standard fixture: campaign 1 with 10 banners, 2 with 1 banner, 3 with 2
// banners, 4 with 5 banners, in every quarter; quarter q also has campaign
// 100 + q with the single banner 1000 + q.
std::vector<ListSpec> StandardLists();

// Handle() on an index image, without sockets: snapshot generation 7, quarter
// 1, a seeded Rng, a metrics registry and a fixed Date. Tests change ctx and
// snapshot as they need.
struct HandlerFixture {
  explicit HandlerFixture(std::string_view index_image);
  // One request: `cookie` (if any) is its one Cookie header value.
  Reply Run(std::string_view target, std::string_view method = "GET", std::string_view cookie = {});

  IndexSnapshot snapshot;
  Rng rng{42};
  MetricsRegistry metrics;
  Context ctx;
};

// "banners=..." remembering `banner` for `campaign`, as a Cookie header value.
std::string RecentCookie(uint64_t campaign, uint64_t banner);

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
  int fd() const { return fd_; }
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

// The banner the response's "banners" cookie remembers for `campaign` (the
// one it shows), or UINT64_MAX. No REQUIRE: safe on client threads.
uint64_t CookieBanner(const HttpResponse& response, uint64_t campaign);

// Keeps the cookies the server sets, as a browser would: a Set-Cookie with
// Max-Age=0 removes the cookie.
class CookieJar {
 public:
  void Absorb(const HttpResponse& response);
  std::string Get(const std::string& name) const;  // "" if absent
  void Set(const std::string& name, const std::string& value);
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

// A TestServer on an index holding `lists`, written in a folder of its own.
struct ServedIndex {
  explicit ServedIndex(const std::vector<ListSpec>& lists = StandardLists(),
                       ServerOptions options = TestServer::DefaultOptions());
  TempDir dir;
  std::unique_ptr<TestServer> server;
  uint16_t port = 0;
};

// PollUntil with this suite's default timeout.
template <typename F>
bool Eventually(F done, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  return PollUntil(std::move(done), timeout);
}

}  // namespace banner::test
