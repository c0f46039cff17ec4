// The request path allocates nothing:
//  - Handle() and RenderError() on every route, the explain routes included,
//    once the reply has grown, counted on the calling thread;
//  - a whole keep-alive request through a running server (Asio, Beast's
//    parser, the session, the handler) once the connection is warm, counted
//    on every thread.
// Counted by replacing the global operator new for this test binary, and
// aligned_alloc, which Asio's handler memory comes from.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>

#include "cookies.h"
#include "images.h"
#include "index_holder.h"
#include "index_reader.h"
#include "rng.h"
#include "router.h"
#include "test_util.h"

extern "C" void* __libc_memalign(size_t alignment, size_t size);

namespace {
thread_local size_t g_allocations = 0;       // this thread's
std::atomic<size_t> g_all_allocations{0};  // every thread's

void CountAllocation() {
  ++g_allocations;
  g_all_allocations.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

void* operator new(std::size_t size) {
  CountAllocation();
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
extern "C" void* aligned_alloc(size_t alignment, size_t size) {
  CountAllocation();
  return __libc_memalign(alignment, size);
}

namespace banner {
namespace {

TEST_CASE("Handle and RenderError allocate nothing once the reply has grown") {
  Status st;
  IndexSnapshot snapshot;
  snapshot.index = IndexReader::FromBytes(test::BuildIndex(test::StandardLists()), &st);
  REQUIRE_MESSAGE(snapshot.index != nullptr, st.message());
  test::TempDir dir;
  {
    std::FILE* out = std::fopen((dir / "image_10100.png").c_str(), "wb");
    REQUIRE(out != nullptr);
    std::fputs("\x89PNG fake", out);
    std::fclose(out);
  }
  auto images = ImageStore::Load(dir.path(), 1 << 20, 1 << 20, &st);
  REQUIRE_MESSAGE(images != nullptr, st.message());
  Rng rng(7);
  MetricsRegistry metrics;
  metrics.AddWorker()->Record(Route::kRoot, 200, 10);
  Context ctx;
  ctx.snapshot = &snapshot;
  ctx.rng = &rng;
  ctx.images = images.get();
  ctx.metrics = &metrics;
  ctx.date = "Sun, 22 Nov 2026 04:20:43 GMT";

  // A full recent-banners cookie, for the largest ids.
  std::string full;
  for (uint64_t c = 100; c < 200; ++c) {
    std::string head;
    AppendRecentBannersCookie(full, 9223372036854775807ull - c, c, &head);
    full = head.substr(head.find('=') + 1, head.find(';') - head.find('=') - 1);
  }
  const std::string full_cookie = "a=b; banners=" + full + "; b7=1; b8=2";

  struct Case {
    std::string_view method, target, cookie;
    size_t hosts = 1;
  };
  const Case cases[] = {
      {"GET", "/campaigns/1", "banners=1:2Tq"}, {"GET", "/api/campaigns/1", ""},  {"HEAD", "/campaigns/2", ""},
      {"GET", "/campaigns/%31", full_cookie}, {"GET", "/api/campaigns/3", full_cookie},
      {"GET", "/api/campaigns/x", ""}, {"GET", "/api/nope", ""}, {"PUT", "/api/campaigns/1", ""},
      {"GET", "/campaigns/%zz", ""}, {"GET", "/campaigns/3", "", 0}, {"GET", "/api/campaigns/3", "", 2},
      {"GET", "/", ""},                    {"GET", "/campaigns?id=7", ""},   {"GET", "/images/10100", ""},
      {"GET", "/images/4242", ""},         {"GET", "/healthz", ""},          {"GET", "/metrics", ""},
      {"GET", "/campaigns/999", ""},       {"GET", "/api/campaigns/999", ""}, {"GET", "/campaigns/abc", ""},
      {"GET", "/nope", ""},                {"POST", "/campaigns/1", ""},
      {"GET", "http://example.com/campaigns/3?x=1#y", "a=1; b3=10300"},
      {"GET", "/campaigns/1/why", "banners=1:2Tq"}, {"GET", "/campaigns/4/why?quarter=2", full_cookie},
      {"GET", "/api/campaigns/1/why", ""},          {"HEAD", "/api/campaigns/3/why", ""},
      {"GET", "/campaigns/999/why", ""},            {"GET", "/api/campaigns/999/why", ""},
      {"GET", "/campaigns/1/why?quarter=9", ""},    {"GET", "/api/campaigns/x/why", ""},
  };
  Reply reply;
  for (int pass = 0; pass < 2; ++pass) {  // the first pass grows the reply's strings
    for (const Case& c : cases) {
      CAPTURE(c.target);
      Request req;
      req.method = c.method;
      req.target = c.target;
      req.host_count = c.hosts;
      if (!c.cookie.empty()) req.cookies[req.cookie_count++] = c.cookie;
      const size_t before = g_allocations;
      Handle(req, ctx, &reply);
      if (pass == 1) CHECK(g_allocations == before);
      CHECK(reply.status != 500);
    }
    for (int status : {400, 413, 431}) {
      const size_t before = g_allocations;
      RenderError(status, "/api/campaigns/1", ctx, &reply);
      if (pass == 1) CHECK(g_allocations == before);
    }
  }
}

// A blocking keep-alive client that allocates nothing per request: one fixed
// buffer, responses framed by their Content-Length.
class RawClient {
 public:
  explicit RawClient(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval tv{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() { ::close(fd_); }
  bool connected() const { return connected_; }

  // Sends `request` and reads one response; its status, or 0 on failure.
  int Exchange(std::string_view request) {
    if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) return 0;
    for (;;) {
      const std::string_view have(buf_, used_);
      const size_t end = have.find("\r\n\r\n");
      if (end != std::string_view::npos) {
        const size_t cl = have.substr(0, end).find("Content-Length: ");
        const size_t length = cl == std::string_view::npos ? 0 : std::strtoul(buf_ + cl + 16, nullptr, 10);
        const size_t total = end + 4 + length;
        if (used_ >= total) {
          const int status = std::atoi(buf_ + 9);  // "HTTP/1.1 200"
          std::memmove(buf_, buf_ + total, used_ - total);
          used_ -= total;
          return status;
        }
      }
      const ssize_t n = ::recv(fd_, buf_ + used_, sizeof buf_ - used_, 0);
      if (n <= 0) return 0;
      used_ += static_cast<size_t>(n);
    }
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  char buf_[1 << 16];
  size_t used_ = 0;
};

// One write and the statuses of the responses it gets (two: pipelined).
struct Exchanged {
  std::string_view request;
  std::vector<int> statuses;
};

// Sends `exchanges` over one warm keep-alive connection, checking every
// status, and returns the allocations made anywhere in the process during
// the measured rounds.
size_t AllocationsOfWarmRequests(const ServerOptions& options, const std::vector<Exchanged>& exchanges) {
  test::TempDir dir;
  test::WriteIndex(dir / "index.bin", test::StandardLists());
  ServerOptions with_dir = options;
  if (!with_dir.events_dir.empty()) with_dir.events_dir = dir / "events";
  // The control thread's periodic stat of the index path may allocate its
  // timer operation the first time it runs (Asio recycles it afterwards), which
  // under load can fall in the counted rounds; it is not the request path, and
  // inotify alone watches here.
  with_dir.poll_interval = std::chrono::milliseconds(0);
  test::TestServer server(dir / "index.bin", with_dir);
  RawClient client(server.port);
  REQUIRE(client.connected());
  auto run = [&](int rounds) {
    size_t ok = 0, expected = 0;
    for (int i = 0; i < rounds; ++i) {
      for (const Exchanged& e : exchanges) {
        ok += client.Exchange(e.request) == e.statuses[0];
        for (size_t k = 1; k < e.statuses.size(); ++k) ok += client.Exchange({}) == e.statuses[k];
        expected += e.statuses.size();
      }
    }
    return ok == expected;
  };
  REQUIRE(run(200));  // grows every buffer
  const size_t before = g_all_allocations.load();
  CHECK(run(500));
  return g_all_allocations.load() - before;
}

TEST_CASE("a warm keep-alive connection's requests allocate nothing anywhere in the server") {
  const std::vector<Exchanged> exchanges = {
      {"GET /campaigns/1 HTTP/1.1\r\nHost: a\r\nCookie: b1=10100\r\n\r\n", {200}},
      {"GET /api/campaigns/4 HTTP/1.1\r\nHost: a\r\nUser-Agent: test\r\nAccept: */*\r\n\r\n", {200}},
      {"GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n"
       "GET /campaigns/3 HTTP/1.1\r\nHost: a\r\n\r\n",
       {200, 200}},
      {"GET /nope HTTP/1.1\r\nHost: a\r\n\r\n", {404}},
  };
  CHECK(AllocationsOfWarmRequests(test::TestServer::DefaultOptions(), exchanges) == 0);
}

TEST_CASE("with events on, recording page views, beacons and clicks allocates nothing on the request path") {
  ServerOptions options = test::TestServer::DefaultOptions();
  options.events_dir = "set per test";
  // The writer thread (off the request path, allowed to allocate) must not
  // run while allocations are counted: it flushes only when stopped.
  options.events_flush_interval = std::chrono::hours(1);
  options.click_target = "https://shop.example/?banner={banner_id}&campaign={campaign_id}";
  const std::vector<Exchanged> exchanges = {
      {"GET /campaigns/1 HTTP/1.1\r\nHost: a\r\n\r\n", {200}},
      {"GET /api/campaigns/4 HTTP/1.1\r\nHost: a\r\n\r\n", {200}},
      {"GET /i/1/10105.gif HTTP/1.1\r\nHost: a\r\n\r\n"
       "GET /i/1/10105.gif HTTP/1.1\r\nHost: a\r\nSec-Purpose: prefetch\r\n\r\n",
       {200, 200}},
      {"GET /click/2/10200 HTTP/1.1\r\nHost: a\r\n\r\n", {302}},
      {"GET /click/2/7 HTTP/1.1\r\nHost: a\r\n\r\n", {404}},
  };
  CHECK(AllocationsOfWarmRequests(options, exchanges) == 0);
}

}  // namespace
}  // namespace banner
