// The sd_notify protocol as systemd sees it: a datagram socket stands in for
// systemd's NOTIFY_SOCKET and must receive READY=1 once bannerd listens,
// RELOADING=1 (with MONOTONIC_USEC) then READY=1 around a reload, and
// STOPPING=1 on SIGTERM, in that order.
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include <doctest/doctest.h>

#include "reliability/support.h"

namespace banner::reliability {
namespace {

// A bound AF_UNIX datagram socket, as systemd's notification socket.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    REQUIRE(path.size() < sizeof addr.sun_path);
    path.copy(addr.sun_path, path.size());
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~NotifySocket() { ::close(fd_); }

  // The next datagram, or "" after `timeout`.
  std::string Next(milliseconds timeout = milliseconds(30'000)) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return "";
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  }

  std::string env() const { return "NOTIFY_SOCKET=" + path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

// bannerd notifies only when built with libsystemd-dev (systemd_notify.h).
#ifdef BANNER_HAVE_SYSTEMD
constexpr bool kNotifies = true;
#else
constexpr bool kNotifies = false;
#endif

uint64_t MonotonicMicros() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000 + static_cast<uint64_t>(ts.tv_nsec) / 1000;
}

}  // namespace

TEST_CASE("notify: READY once listening, RELOADING with MONOTONIC_USEC then READY around a reload, STOPPING" *
          doctest::skip(!kNotifies)) {
  TempDir dir;
  const std::string index = dir / "index.bin";
  REQUIRE(PublishIndex(index, {{1, 1, {11, 12}}}));
  NotifySocket systemd(dir / "notify");
  Bannerd server(index, {"--quarter", "1", "--no-watch", "--poll-interval", "0"}, "", {systemd.env()});
  REQUIRE(server.port() != 0);

  const std::string ready = systemd.Next();
  CHECK(ready == "READY=1\nSTATUS=serving generation 1");
  Response r;
  CHECK(Fetch(server.port(), "/api/campaigns/1", &r));  // READY means serving
  CHECK(r.status == 200);

  REQUIRE(PublishIndex(index, {{1, 1, {21, 22}}}));
  const uint64_t before = MonotonicMicros();
  server.child().Signal(SIGHUP);
  const std::string reloading = systemd.Next();
  const uint64_t after = MonotonicMicros();
  REQUIRE(reloading.starts_with("RELOADING=1\nMONOTONIC_USEC="));
  const uint64_t stamp = std::strtoull(reloading.c_str() + std::string("RELOADING=1\nMONOTONIC_USEC=").size(), nullptr, 10);
  CHECK(stamp >= before);
  CHECK(stamp <= after);
  CHECK(systemd.Next() == "READY=1\nSTATUS=serving generation 2");
  CHECK(Fetch(server.port(), "/api/campaigns/1", &r));
  CHECK(ChosenBanner(r) / 10 == 2);

  // A reload that fails is over too: READY again, the old index serving.
  REQUIRE(OverwriteInPlace(index, "not an index"));
  server.child().Signal(SIGHUP);
  CHECK(systemd.Next().starts_with("RELOADING=1\nMONOTONIC_USEC="));
  CHECK(systemd.Next() == "READY=1\nSTATUS=reload failed; serving generation 2");

  server.child().Signal(SIGTERM);
  CHECK(systemd.Next() == "STOPPING=1");
  CHECK(server.child().Wait() == 0);
  CHECK(systemd.Next(milliseconds(100)).empty());  // nothing after STOPPING
}

TEST_CASE("notify: a notification socket that is gone does not stop bannerd") {
  TempDir dir;
  const std::string index = dir / "index.bin";
  REQUIRE(PublishIndex(index, {{1, 1, {11}}}));
  Bannerd server(index, {"--quarter", "1"}, "", {"NOTIFY_SOCKET=" + dir / "no-such-socket"});
  REQUIRE(server.port() != 0);
  server.child().Signal(SIGHUP);
  REQUIRE(Eventually([&] { return FetchMetric(server.port(), "banner_index_reloads_total") == 1; }));
  Response r;
  CHECK(Fetch(server.port(), "/api/campaigns/1", &r));
  CHECK(r.status == 200);
  CHECK(server.Stop() == 0);
}

}  // namespace banner::reliability
