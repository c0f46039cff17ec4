// The whole server over real loopback sockets, in-process on port 0.
#include <netinet/in.h>
#include <linux/tcp.h>  // tcp_info with tcpi_segs_in (glibc's lacks it)
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <set>
#include <string>
#include <thread>

#include <doctest/doctest.h>

#include "test_util.h"

namespace banner {
namespace {

using test::Client;
using test::CookieBanner;
using test::Fetch;
using test::HttpResponse;

// The standard lists, served with `options`.
struct HttpFixture : test::ServedIndex {
  HttpFixture() = default;
  explicit HttpFixture(ServerOptions options) : ServedIndex(test::StandardLists(), options) {}
};

TEST_CASE("every route over HTTP") {
  HttpFixture f;
  HttpResponse r = Fetch(f.port, "/");
  CHECK(r.status == 200);
  CHECK(r.Header("content-type") == "text/html; charset=utf-8");
  CHECK(r.body.find("/campaigns/101") != std::string::npos);
  CHECK(r.Has("date"));

  r = Fetch(f.port, "/campaigns/1");
  CHECK(r.status == 200);
  const uint64_t banner = CookieBanner(r, 1);
  CHECK(r.body.find("<img src=\"/images/" + std::to_string(banner) + "\"") != std::string::npos);

  r = Fetch(f.port, "/api/campaigns/4?x=1");
  CHECK(r.status == 200);
  CHECK(r.Header("content-type") == "application/json");
  CHECK(r.body.rfind("{\"campaign_id\":4,\"quarter\":1,\"banner_id\":", 0) == 0);

  r = Fetch(f.port, "/images/10100");
  CHECK(r.status == 200);
  CHECK(r.Header("content-type") == "image/svg+xml");

  r = Fetch(f.port, "/campaigns?id=7");
  CHECK(r.status == 302);
  CHECK(r.Header("location") == "/campaigns/7");

  CHECK(Fetch(f.port, "/healthz").status == 200);
  CHECK(Fetch(f.port, "/campaigns/999").status == 404);
  CHECK(Fetch(f.port, "/nowhere").status == 404);
  CHECK(Fetch(f.port, "/campaigns/abc").status == 400);
  CHECK(Fetch(f.port, "/campaigns/9223372036854775808").status == 400);
  r = Fetch(f.port, "/campaigns/1", "", "DELETE");
  CHECK(r.status == 405);
  CHECK(r.Header("allow") == "GET, HEAD");

  r = Fetch(f.port, "/metrics");
  CHECK(r.status == 200);
  CHECK(test::MetricValue(r.body, "banner_http_requests_total{route=\"campaign_page\",status=\"200\"} ") >= 1);
  CHECK(test::MetricValue(r.body, "banner_index_generation ") == 1);
}

TEST_CASE("POST with a body gets 405 and the connection stays usable") {
  HttpFixture f;
  Client c(f.port);
  REQUIRE(c.connected());
  REQUIRE(c.Send("POST /campaigns/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"));
  HttpResponse r;
  REQUIRE(c.Read(&r));
  CHECK(r.status == 405);
  REQUIRE(c.Request("/healthz", &r));
  CHECK(r.status == 200);
}

TEST_CASE("1000 picks over one keep-alive connection with a cookie jar") {
  HttpFixture f;
  Client c(f.port);
  REQUIRE(c.connected());
  test::CookieJar jar;
  std::set<uint64_t> seen;
  uint64_t last = 0;
  for (int i = 0; i < 1000; ++i) {
    HttpResponse r;
    REQUIRE(c.Request("/campaigns/4", &r, jar.HeaderLine()));
    REQUIRE(r.status == 200);
    const uint64_t banner = CookieBanner(r, 4);
    REQUIRE(banner >= 10400);
    REQUIRE(banner <= 10404);
    if (i > 0) REQUIRE(banner != last);
    last = banner;
    seen.insert(banner);
    jar.Absorb(r);
  }
  CHECK(seen.size() == 5);
}

TEST_CASE("keep-alive and pipelining: several requests in one write") {
  HttpFixture f;
  Client c(f.port);
  REQUIRE(c.connected());
  std::string batch;
  for (const char* target : {"/healthz", "/campaigns/2", "/nope", "/api/campaigns/3", "/campaigns/x"}) {
    batch += std::string("GET ") + target + " HTTP/1.1\r\nHost: a\r\n\r\n";
  }
  batch += "HEAD / HTTP/1.1\r\nHost: a\r\n\r\nGET /healthz HTTP/1.1\r\nHost: a\r\n\r\n";
  REQUIRE(c.Send(batch));
  const int expected[] = {200, 200, 404, 200, 400};
  for (int status : expected) {
    HttpResponse r;
    REQUIRE(c.Read(&r));
    CHECK(r.status == status);
  }
  HttpResponse head;
  REQUIRE(c.Read(&head, /*head=*/true));
  CHECK(head.status == 200);
  CHECK(std::stoul(head.Header("content-length")) > 0);
  HttpResponse last;  // parses only if HEAD sent no body
  REQUIRE(c.Read(&last));
  CHECK(last.status == 200);
  CHECK(last.body.rfind("ok generation=", 0) == 0);
}

// TCP segments this socket has received so far (data and ACKs).
uint32_t SegmentsIn(int fd) {
  tcp_info info{};
  socklen_t len = sizeof info;
  REQUIRE(::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) == 0);
  return info.tcpi_segs_in;
}

TEST_CASE("the responses to the pipelined requests of one read go out in one write, in order") {
  HttpFixture f;
  Client c(f.port);
  HttpResponse r;
  REQUIRE(c.Request("/healthz", &r));  // connected and served: the handshake is behind us
  // On loopback one write is one segment (up to 64 KB): 16 responses written
  // one by one would arrive as 16 segments at least.
  std::string batch;
  for (int i = 0; i < 16; ++i) batch += "GET /campaigns/" + std::to_string(i % 4 + 1) + " HTTP/1.1\r\nHost: a\r\n\r\n";
  const uint32_t before = SegmentsIn(c.fd());
  REQUIRE(c.Send(batch));
  for (int i = 0; i < 16; ++i) {
    REQUIRE(c.Read(&r));
    CHECK(r.status == 200);
    CHECK(r.body.find("<title>Campaign " + std::to_string(i % 4 + 1) + "</title>") != std::string::npos);
  }
  CHECK(SegmentsIn(c.fd()) - before <= 3);
  // More than one write's worth (16 responses): all answered, in order.
  batch.clear();
  for (int i = 0; i < 50; ++i) batch += "GET /api/campaigns/" + std::to_string(i % 4 + 1) + " HTTP/1.1\r\nHost: a\r\n\r\n";
  REQUIRE(c.Send(batch));
  for (int i = 0; i < 50; ++i) {
    REQUIRE(c.Read(&r));
    CHECK(r.body.find("\"campaign_id\":" + std::to_string(i % 4 + 1) + ",") != std::string::npos);
  }
}

TEST_CASE("pipelined requests split at awkward byte boundaries") {
  HttpFixture f;
  Client c(f.port);
  REQUIRE(c.connected());
  const std::string two = "GET /healthz HTTP/1.1\r\nHost: a\r\n\r\nGET /campaigns/2 HTTP/1.1\r\nHost: a\r\n\r\n";
  for (size_t split = 1; split < two.size(); split += 7) {
    REQUIRE(c.Send(two.substr(0, split)));
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    REQUIRE(c.Send(two.substr(split)));
    HttpResponse a, b;
    REQUIRE(c.Read(&a));
    REQUIRE(c.Read(&b));
    CHECK(a.status == 200);
    CHECK(b.status == 200);
  }
}

TEST_CASE("HEAD has no body") {
  HttpFixture f;
  Client c(f.port);
  REQUIRE(c.connected());
  for (const char* target : {"/", "/campaigns/1", "/api/campaigns/1", "/images/5", "/metrics", "/nope"}) {
    CAPTURE(target);
    HttpResponse r;
    REQUIRE(c.Request(target, &r, {}, "HEAD"));
    CHECK(r.body.empty());
  }
  HttpResponse after;
  REQUIRE(c.Request("/healthz", &after));
  CHECK(after.status == 200);
  CHECK(after.body.rfind("ok", 0) == 0);
}

TEST_CASE("Connection: close and HTTP/1.0") {
  HttpFixture f;
  {
    Client c(f.port);
    HttpResponse r;
    REQUIRE(c.Request("/healthz", &r, "Connection: close\r\n"));
    CHECK(r.Header("connection") == "close");
    CHECK(c.WaitClosed());
  }
  {
    Client c(f.port);
    REQUIRE(c.Send("GET /healthz HTTP/1.0\r\n\r\n"));
    HttpResponse r;
    REQUIRE(c.Read(&r));
    CHECK(r.status == 200);
    CHECK(c.WaitClosed());
  }
  {
    Client c(f.port);
    REQUIRE(c.Send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    HttpResponse r;
    REQUIRE(c.Read(&r));
    CHECK(r.Header("connection") == "keep-alive");
    REQUIRE(c.Send("GET /healthz HTTP/1.0\r\n\r\n"));
    REQUIRE(c.Read(&r));
    CHECK(r.status == 200);
  }
}

TEST_CASE("malformed requests get 400 and the connection is closed") {
  HttpFixture f;
  for (std::string garbage : {std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n"),
                              std::string("GET\r\n\r\n"), std::string("GET / HTTP/9.9\r\n\r\n"),
                              std::string("GET / HTTP/1.1\r\nBad Header\r\n\r\n"),
                              std::string("G@T / HTTP/1.1\r\n\r\n"),
                              std::string("GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\n"),
                              std::string("GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
                              std::string("\r\n\r\n\r\n"), std::string(4000, '\0')}) {
    CAPTURE(garbage.substr(0, 20));
    Client c(f.port);
    REQUIRE(c.connected());
    REQUIRE(c.Send(garbage));
    HttpResponse r;
    REQUIRE(c.Read(&r));
    CHECK(r.status == 400);
    CHECK(r.Header("connection") == "close");
    CHECK(c.WaitClosed());
  }
  // The server is still fine.
  CHECK(Fetch(f.port, "/healthz").status == 200);
}

TEST_CASE("huge headers get 431 - huge bodies 413") {
  HttpFixture f;
  {
    Client c(f.port);
    REQUIRE(c.Send("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n"));
    HttpResponse r;
    REQUIRE(c.Read(&r));
    CHECK(r.status == 431);
    CHECK(c.WaitClosed());
  }
  {
    Client c(f.port);
    std::string many = "GET / HTTP/1.1\r\nHost: a\r\n";
    for (int i = 0; i < 1000; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
    REQUIRE(c.Send(many + "\r\n"));
    HttpResponse r;
    REQUIRE(c.Read(&r));
    CHECK(r.status == 431);
  }
  {
    Client c(f.port);
    REQUIRE(c.Send("GET /" + std::string(10000, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n"));
    HttpResponse r;
    REQUIRE(c.Read(&r));
    CHECK(r.status == 431);
  }
  {
    Client c(f.port);
    REQUIRE(c.Send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100000000\r\n\r\n"));
    HttpResponse r;
    REQUIRE(c.Read(&r));
    CHECK(r.status == 413);
  }
  CHECK(Fetch(f.port, "/healthz").status == 200);
}

TEST_CASE("traversal attempts never leave the images folder") {
  test::TempDir images;
  {
    std::FILE* out = std::fopen((images / "image_7.png").c_str(), "wb");
    REQUIRE(out != nullptr);
    std::fputs("PNG7", out);
    std::fclose(out);
  }
  ServerOptions options = test::TestServer::DefaultOptions();
  options.images_dir = images.path();
  HttpFixture f(options);
  const HttpResponse ok = Fetch(f.port, "/images/7");
  CHECK(ok.status == 200);
  CHECK(ok.body == "PNG7");
  CHECK(ok.Header("content-type") == "image/png");
  CHECK(Fetch(f.port, "/images/%37").body == "PNG7");  // "%37" is "7"
  for (const char* target : {"/images/../../etc/passwd", "/images/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                             "/images/..%2f..%2fetc%2fpasswd", "/images/7/../../../etc/passwd",
                             "/images/image_7.png", "/images/7.png", "/images//etc/passwd",
                             "/../../etc/passwd", "/images/..\\..\\etc\\passwd", "/images/7%00"}) {
    CAPTURE(target);
    const HttpResponse r = Fetch(f.port, target);
    CHECK((r.status == 400 || r.status == 404));
    CHECK(r.body.find("root:") == std::string::npos);
  }
}

TEST_CASE("idle keep-alive connections time out") {
  ServerOptions options = test::TestServer::DefaultOptions();
  options.idle_timeout = std::chrono::milliseconds(200);
  options.read_timeout = std::chrono::milliseconds(300);
  HttpFixture f(options);
  {
    Client c(f.port);
    HttpResponse r;
    REQUIRE(c.Request("/healthz", &r));
    CHECK(c.WaitClosed());
  }
  {  // a request that never completes
    Client c(f.port);
    REQUIRE(c.Send("GET / HTTP/1.1\r\nHost: slow"));
    CHECK(c.WaitClosed());
  }
}

// Connections open on the server, not counting the one asking.
double OtherConnections(uint16_t port) {
  return test::MetricValue(Fetch(port, "/metrics").body, "banner_connections_open ") - 1;
}

TEST_CASE("a client that stops reading is closed at the write timeout") {
  ServerOptions options = test::TestServer::DefaultOptions();
  options.write_timeout = std::chrono::milliseconds(300);
  HttpFixture f(options);
  // A tiny receive window and many pipelined requests never read: once the
  // server's send buffer (4 MB at most) is full, its write stalls. /metrics
  // answers are about 5 KB each.
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  const int small = 4096;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(f.port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(test::Eventually([&] { return OtherConnections(f.port) == 1; }));  // accepted
  std::string requests;
  for (int i = 0; i < 2000; ++i) requests += "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n";
  const auto start = std::chrono::steady_clock::now();
  std::string_view left = requests;
  while (!left.empty() && std::chrono::steady_clock::now() - start < std::chrono::seconds(2)) {
    const ssize_t n = ::send(fd, left.data(), left.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) left.remove_prefix(static_cast<size_t>(n));
    if (n <= 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CHECK(test::Eventually([&] { return OtherConnections(f.port) == 0; }, std::chrono::seconds(5)));
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(300));
  ::close(fd);
}

TEST_CASE("after a closing reply the server lingers for the client's bytes, then closes") {
  HttpFixture f;
  Client c(f.port);
  HttpResponse r;
  REQUIRE(c.Request("/healthz", &r, "Connection: close\r\n"));
  CHECK(r.Header("connection") == "close");
  CHECK(c.WaitClosed());  // the server's FIN; it still reads what the client sends
  const auto closed = std::chrono::steady_clock::now();
  std::this_thread::sleep_until(closed + std::chrono::milliseconds(1500));
  CHECK(OtherConnections(f.port) >= 1);
  // The client never closes its side: the server does, after its 2 s linger.
  CHECK(test::Eventually([&] { return OtherConnections(f.port) == 0; }, std::chrono::seconds(5)));
}

TEST_CASE("over --max-connections: 503 and close - then recovery") {
  ServerOptions options = test::TestServer::DefaultOptions();
  options.max_connections = 3;
  HttpFixture f(options);
  std::vector<std::unique_ptr<Client>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<Client>(f.port));
    HttpResponse r;
    REQUIRE(held.back()->Request("/healthz", &r));
    CHECK(r.status == 200);
  }
  {
    Client extra(f.port);
    REQUIRE(extra.connected());
    HttpResponse r;
    REQUIRE(extra.Read(&r));
    CHECK(r.status == 503);
    CHECK(extra.WaitClosed());
  }
  held.clear();
  CHECK(test::Eventually([&] {
    Client c(f.port);
    HttpResponse r;
    return c.Request("/healthz", &r) && r.status == 200;
  }));
  const HttpResponse m = Fetch(f.port, "/metrics");
  CHECK(test::MetricValue(m.body, "banner_connections_refused_total ") >= 1);
}

TEST_CASE("Stop() with idle and busy connections finishes and returns") {
  HttpFixture f;
  Client idle(f.port);
  HttpResponse r;
  REQUIRE(idle.Request("/healthz", &r));
  Client partial(f.port);
  REQUIRE(partial.Send("GET /campaigns/1 HTTP/1.1\r\nHo"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  f.server->server->Stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  REQUIRE(partial.Send("st: a\r\n\r\n"));
  REQUIRE(partial.Read(&r));
  CHECK(r.status == 200);
  CHECK(r.Header("connection") == "close");
  CHECK(partial.WaitClosed());
  CHECK(idle.WaitClosed());
  f.server->server->Wait();
}

}  // namespace
}  // namespace banner

namespace banner {
namespace {

TEST_CASE("Stop() gives up on a stalled request after --shutdown-timeout") {
  ServerOptions options = test::TestServer::DefaultOptions();
  options.shutdown_timeout = std::chrono::milliseconds(300);
  options.read_timeout = std::chrono::seconds(30);
  test::TempDir dir;
  test::WriteIndex(dir / "index.bin", test::StandardLists());
  auto server = std::make_unique<test::TestServer>(dir / "index.bin", options);
  test::Client stalled(server->port);
  REQUIRE(stalled.Send("GET /campaigns/1 HTTP/1.1\r\nHo"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto start = std::chrono::steady_clock::now();
  server->server->Stop();
  server->server->Wait();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  server.reset();  // destroys the session still pending in its io_context
}

}  // namespace
}  // namespace banner

namespace banner {
namespace {

TEST_CASE("connections are spread evenly over the I/O threads, whichever listener the kernel picked") {
  HttpFixture f;  // 2 threads
  auto per_worker = [](const HttpResponse& metrics) {
    return std::make_pair(test::MetricValue(metrics.body, "banner_worker_connections_open{worker=\"0\"} "),
                          test::MetricValue(metrics.body, "banner_worker_connections_open{worker=\"1\"} "));
  };
  Client asker(f.port);
  HttpResponse r;
  REQUIRE(asker.Request("/healthz", &r));
  // SO_REUSEPORT hashes each connection to a listener at random: 16 in a row
  // would leave the threads this even after every one by chance in about one
  // run of 256.
  std::vector<std::unique_ptr<Client>> held;
  for (int i = 1; i <= 16; ++i) {
    held.push_back(std::make_unique<Client>(f.port));
    REQUIRE(held.back()->Request("/healthz", &r));  // served: placed
    REQUIRE(asker.Request("/metrics", &r));
    const auto [a, b] = per_worker(r);
    CAPTURE(i);
    CHECK(a + b == i + 1);
    CHECK(std::abs(a - b) <= 1);
  }
  held.clear();
  CHECK(test::Eventually([&] {
    return asker.Request("/metrics", &r) && per_worker(r).first + per_worker(r).second == 1;
  }));
}

TEST_CASE("a second server on a port already in use is refused") {
  test::TempDir dir;
  test::WriteIndex(dir / "index.bin", test::StandardLists());
  test::TestServer first(dir / "index.bin");
  ServerOptions options = test::TestServer::DefaultOptions();
  options.index_path = dir / "index.bin";
  options.listen = "127.0.0.1:" + std::to_string(first.port);
  Status st;
  CHECK(Server::Create(options, &st) == nullptr);
  CHECK(st.message().find("in use") != std::string::npos);
}

}  // namespace
}  // namespace banner
