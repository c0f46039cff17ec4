// Hostile clients against the bannerd binary: connections that never send a
// byte or send half a request (slowloris), thousands of mutated and random
// requests, and a connection flood beyond --max-connections.
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "support.h"

namespace banner::reliability {
namespace {

const std::vector<ListSpec> kLists = {{1, 1, {11, 12, 13, 14, 15}}, {1, 2, {21}}, {1, 3, {31, 32}}};

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Sanitized builds (and their bannerd) are several times slower.
double Slack() { return SanitizedBuild() ? 5.0 : 1.0; }

// Waits until every connection in `conns` is closed by the peer, or the
// deadline; returns each one's close time after `since` in ms (-1: still open).
std::vector<double> CloseTimes(std::vector<Conn>& conns, Clock::time_point since, Clock::time_point deadline) {
  std::vector<double> closed(conns.size(), -1);
  size_t open = conns.size();
  while (open > 0 && Clock::now() < deadline) {
    std::vector<pollfd> fds;
    std::vector<size_t> which;
    for (size_t i = 0; i < conns.size(); ++i) {
      if (closed[i] < 0) {
        fds.push_back({conns[i].fd(), POLLIN, 0});
        which.push_back(i);
      }
    }
    if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
    for (size_t k = 0; k < fds.size(); ++k) {
      if (fds[k].revents == 0) continue;
      char buf[4096];
      const ssize_t n = ::recv(fds[k].fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        closed[which[k]] = Ms(Clock::now() - since);
        --open;
      }
    }
  }
  return closed;
}

TEST_CASE("hostile: slowloris connections don't delay other clients and are closed at the timeouts" * doctest::test_suite("concurrency")) {
  TempDir dir;
  const std::string index = dir / "index.bin";
  REQUIRE(PublishIndex(index, kLists));
  // Idle (no byte yet) and read (request started) timeouts differ, so each
  // kind of hostile connection shows which timer closed it.
  constexpr double kIdle = 3.0, kRead = 1.5;
  Bannerd server(index, {"--threads", "2", "--quarter", "1", "--idle-timeout", "3", "--read-timeout", "1.5"});
  REQUIRE(server.port() != 0);
  const pid_t pid = server.child().pid();
  const long fds_before = OpenFds(pid);

  constexpr int kEach = 100;
  std::vector<Conn> silent, half, trickle;
  const auto opened = Clock::now();
  for (int i = 0; i < kEach; ++i) {
    silent.emplace_back(server.port());
    half.emplace_back(server.port());
    trickle.emplace_back(server.port());
    REQUIRE(silent.back().ok());
    REQUIRE(half.back().ok());
    REQUIRE(trickle.back().ok());
    REQUIRE(half.back().Send("GET /api/campaigns/1 HTTP/1.1\r\nHost: x\r\nX-Slow: "));
    REQUIRE(trickle.back().Send("G"));
  }
  // Slowloris proper: one more byte every 100 ms on every trickle connection,
  // forever (a header that never ends). Only the read timeout can stop it.
  std::atomic<bool> stop_trickle{false};
  std::thread trickler([&] {
    while (!stop_trickle) {
      for (Conn& c : trickle) {
        if (c.ok()) ::send(c.fd(), "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });

  // A normal client meanwhile: fresh connections and keep-alive.
  Latency latency;
  int failed = 0;
  {
    Conn keep(server.port());
    for (int i = 0; i < 200; ++i) {
      const auto t0 = Clock::now();
      Response r;
      const bool ok = i % 2 == 0 ? Fetch(server.port(), "/api/campaigns/1", &r) : keep.Get("/campaigns/3", &r);
      latency.Add(Ms(Clock::now() - t0));
      if (!ok || r.status != 200) ++failed;
    }
  }
  const double measured_in = Ms(Clock::now() - opened);
  MESSAGE("normal client with 300 slow connections open: p50 " << latency.Quantile(0.5) << " ms, p99 "
                                                                << latency.Quantile(0.99) << " ms, max "
                                                                << latency.Max() << " ms");
  CHECK(failed == 0);
  // Blocked behind the slow connections, a request would take a timeout (1.5 s
  // or more); served independently it takes well under one.
  CHECK(latency.Quantile(0.5) < 50 * Slack());
  CHECK(latency.Quantile(0.99) < 1000 * Slack());

  // Every hostile connection is closed by the server, at its timeout.
  const auto deadline = opened + std::chrono::milliseconds(static_cast<int>((kIdle + 20) * 1000 * Slack()));
  // Shortest timeout first, so that each figure is close to the real one.
  const std::vector<double> half_closed = CloseTimes(half, opened, deadline);
  const std::vector<double> trickle_closed = CloseTimes(trickle, opened, deadline);
  const std::vector<double> silent_closed = CloseTimes(silent, opened, deadline);
  stop_trickle = true;
  trickler.join();
  auto summary = [](const std::vector<double>& v) {
    const bool all = std::none_of(v.begin(), v.end(), [](double t) { return t < 0; });
    return std::make_pair(all, all ? *std::min_element(v.begin(), v.end()) : -1.0);
  };
  const auto [silent_all, silent_first] = summary(silent_closed);
  const auto [half_all, half_first] = summary(half_closed);
  const auto [trickle_all, trickle_first] = summary(trickle_closed);
  MESSAGE("closed after (first, ms): silent " << silent_first << ", half request " << half_first
                                             << ", trickling " << trickle_first << "; normal client done at "
                                             << measured_in << " ms");
  CHECK(silent_all);
  CHECK(half_all);
  CHECK(trickle_all);  // still sending bytes, but the whole request has a deadline
  // Not before their timeouts (minus the time it took to open them all).
  const double open_ms = 1000;  // generous bound on the opening loop's spread
  CHECK(silent_first >= kIdle * 1000 - open_ms);
  CHECK(half_first >= kRead * 1000 - open_ms);
  CHECK(trickle_first >= kRead * 1000 - open_ms);

  // Nothing left behind in the server.
  CHECK(Eventually([&] { return FetchMetric(server.port(), "banner_connections_open") <= 1; }));
  CHECK(Eventually([&] { return OpenFds(pid) <= fds_before; }));
  CHECK(server.Stop() == 0);
  CHECK(server.Log().find("Sanitizer") == std::string::npos);
}

// Requests to mutate: every route, methods, bodies, chunked bodies, pipelining.
const char* const kTemplates[] = {
    "GET /campaigns/1 HTTP/1.1\r\nHost: a\r\nCookie: banners=1:C.3:v; b1=12; x=y\r\n\r\n",
    "GET /%63ampaigns/%34 HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET /api/campaigns/1 HTTP/1.1\r\n\r\n",
    "POST /api/campaigns/4 HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nbody",
    "GET /api/campaigns/3 HTTP/1.1\r\nHost: a\r\nCookie: b3=31\r\nCookie: b3=\"32\"\r\n\r\n",
    "GET /campaigns?id=2 HTTP/1.0\r\n\r\n",
    "GET /images/11 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n",
    "HEAD / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\nGET /healthz HTTP/1.1\r\nHost: a\r\n\r\n",
    "POST /campaigns/1 HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world",
    "POST /api/campaigns/1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    "GET http://a/api/campaigns/2?q=1#f HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET /campaigns/99999999999999999999 HTTP/1.1\r\nHost: a\r\nCookie: b1=-1;;;=\r\n\r\n",
};

std::string Mutate(std::mt19937_64& rng, std::string s) {
  auto pick = [&](size_t n) { return n == 0 ? size_t{0} : static_cast<size_t>(rng() % n); };
  auto random_bytes = [&](size_t n) {
    std::string b(n, '\0');
    for (char& c : b) c = static_cast<char>(rng());
    return b;
  };
  const int rounds = 1 + static_cast<int>(pick(4));
  for (int r = 0; r < rounds; ++r) {
    switch (pick(11)) {
      case 0:  // flip bits
        for (int i = 0; i < 1 + static_cast<int>(pick(8)) && !s.empty(); ++i) s[pick(s.size())] ^= static_cast<char>(1u << pick(8));
        break;
      case 1:  // insert random bytes
        s.insert(pick(s.size() + 1), random_bytes(1 + pick(16)));
        break;
      case 2:  // delete a range
        if (!s.empty()) {
          const size_t at = pick(s.size());
          s.erase(at, 1 + pick(s.size() - at));
        }
        break;
      case 3:  // duplicate a range
        if (!s.empty()) {
          const size_t at = pick(s.size());
          s.insert(at, s.substr(at, 1 + pick(64)));
        }
        break;
      case 4:  // truncate
        s.resize(pick(s.size() + 1));
        break;
      case 5:  // all random
        s = random_bytes(pick(2000));
        break;
      case 6:  // a huge header (over --header-limit)
        s.insert(std::min(s.size(), s.find("\r\n") + 2), "X-Big: " + std::string(3000 + pick(10000), 'b') + "\r\n");
        break;
      case 7:  // many small headers
        for (int i = 0; i < 50 + static_cast<int>(pick(300)); ++i) {
          s.insert(std::min(s.size(), s.find("\r\n") + 2), "X-" + std::to_string(i) + ": v\r\n");
        }
        break;
      case 8:  // a very long target
        s.insert(std::min(s.size(), s.find(' ') + 1), "/" + std::string(500 + pick(9000), '9'));
        break;
      case 9: {  // lying framing
        const char* lies[] = {"Content-Length: 100000\r\n", "Content-Length: -1\r\n", "Content-Length: 5\r\nContent-Length: 6\r\n",
                              "Transfer-Encoding: chunked\r\n", "Transfer-Encoding: gzip, chunked\r\n",
                              "Content-Length: 18446744073709551616\r\n"};
        s.insert(std::min(s.size(), s.find("\r\n") + 2), lies[pick(6)]);
        if (pick(2)) s += std::to_string(pick(100000)) + "\r\n" + random_bytes(pick(64));
        break;
      }
      default:  // control bytes, NULs, high bytes
        for (int i = 0; i < 1 + static_cast<int>(pick(4)) && !s.empty(); ++i) {
          const char odd[] = {'\0', '\r', '\n', '\x7f', '\xff', ' ', '\t', ':', '%', '"'};
          s[pick(s.size())] = odd[pick(sizeof odd)];
        }
        break;
    }
  }
  return s;
}

bool KnownStatus(const std::string& bytes) {
  // Every response the server wrote, in order.
  for (size_t p = bytes.find("HTTP/1.1 "); p != std::string::npos; p = bytes.find("HTTP/1.1 ", p + 1)) {
    const int status = std::atoi(bytes.c_str() + p + 9);
    if (status >= 500 && status != 503) return false;
  }
  return bytes.empty() || bytes.rfind("HTTP/1.1 ", 0) == 0;
}

TEST_CASE("hostile: thousands of mutated and random requests leave bannerd up with flat memory" * doctest::test_suite("concurrency")) {
  TempDir dir;
  const std::string index = dir / "index.bin";
  REQUIRE(PublishIndex(index, kLists));
  Bannerd server(index, {"--threads", "2", "--quarter", "1", "--read-timeout", "2", "--idle-timeout", "2",
                         "--header-limit", "4096", "--body-limit", "4096"});
  REQUIRE(server.port() != 0);
  const pid_t pid = server.child().pid();
  const int total = SanitizedBuild() ? 2000 : 10000;
  constexpr int kThreads = 2;

  std::atomic<int> hung{0}, bad_status{0}, sent{0}, answered{0};
  auto storm = [&](uint64_t seed, int count) {
    std::mt19937_64 rng(seed);
    for (int i = 0; i < count; ++i) {
      const std::string request = Mutate(rng, kTemplates[rng() % std::size(kTemplates)]);
      Conn c(server.port());
      if (!c.ok()) {
        hung.fetch_add(1);
        continue;
      }
      c.Send(request, std::chrono::milliseconds(5000));  // may fail: the server can close first
      c.ShutdownWrite();
      std::string reply;
      // With the client's side closed, the server answers what it got and
      // closes; it must never keep the connection past its timeouts.
      if (!c.WaitClosed(std::chrono::milliseconds(static_cast<int>(10'000 * Slack())), &reply)) hung.fetch_add(1);
      if (!KnownStatus(reply)) bad_status.fetch_add(1);
      if (!reply.empty()) answered.fetch_add(1);
      sent.fetch_add(1);
    }
  };

  // Warm-up (allocator pools, per-thread buffers), then the baseline.
  storm(1, 300);
  for (int i = 0; i < 200; ++i) {
    Response r;
    Fetch(server.port(), "/api/campaigns/1", &r);
  }
  const long rss_before = RssKiB(pid);
  const long fds_before = OpenFds(pid);
  sent = 0;
  answered = 0;
  const auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(storm, 1000 + t, total / kThreads);
  for (auto& t : threads) t.join();
  const double seconds = Ms(Clock::now() - t0) / 1000;
  CHECK(server.child().Running());
  Response r;
  CHECK(Fetch(server.port(), "/healthz", &r));
  CHECK(r.status == 200);
  CHECK(Eventually([&] { return OpenFds(pid) <= fds_before; }));
  const long rss_after = RssKiB(pid);
  MESSAGE(sent.load() << " mutated requests (" << answered.load() << " answered, the rest closed without a reply) in "
                      << seconds << " s; bannerd VmRSS " << rss_before << " KiB -> " << rss_after << " KiB");
  CHECK(sent.load() == total);
  CHECK(hung.load() == 0);
  CHECK(bad_status.load() == 0);
  if (!SanitizedBuild()) CHECK(rss_after - rss_before < 8 * 1024);  // flat: under 8 MiB of growth
  CHECK(server.Stop() == 0);
  CHECK(server.Log().find("Sanitizer") == std::string::npos);
}

TEST_CASE("hostile: a connection flood beyond --max-connections is refused cleanly and served again after" * doctest::test_suite("concurrency")) {
  TempDir dir;
  const std::string index = dir / "index.bin";
  REQUIRE(PublishIndex(index, kLists));
  constexpr int kLimit = 50;
  Bannerd server(index, {"--threads", "2", "--quarter", "1", "--max-connections", std::to_string(kLimit),
                         "--idle-timeout", "120"});
  REQUIRE(server.port() != 0);
  const pid_t pid = server.child().pid();
  const long fds_before = OpenFds(pid);

  // Fill the server: kLimit keep-alive connections, each answered once.
  std::vector<Conn> holders;
  for (int i = 0; i < kLimit; ++i) {
    holders.emplace_back(server.port());
    Response r;
    REQUIRE(holders.back().Get("/healthz", &r));
    REQUIRE(r.status == 200);
  }
  // The flood: 1000 more, opened as fast as possible and held open.
  constexpr int kFlood = 1000;
  std::vector<Conn> flood;
  for (int i = 0; i < kFlood; ++i) flood.emplace_back(server.port());
  int refused = 0, not_closed = 0, other = 0;
  for (Conn& c : flood) {
    std::string reply;
    if (!c.ok()) {
      ++other;
      continue;
    }
    if (!c.WaitClosed(std::chrono::milliseconds(static_cast<int>(15'000 * Slack())), &reply)) {
      ++not_closed;
    } else if (reply.rfind("HTTP/1.1 503", 0) == 0 && reply.find("Retry-After") != std::string::npos) {
      ++refused;
    } else {
      ++other;
    }
  }
  MESSAGE(kFlood << " connections over the limit: " << refused << " refused with 503, " << not_closed
                 << " left open, " << other << " other");
  CHECK(refused == kFlood);
  CHECK(server.child().Running());
  // The holders are still served meanwhile.
  for (Conn& c : holders) {
    Response r;
    CHECK(c.Get("/api/campaigns/1", &r));
    CHECK(r.status == 200);
  }
  flood.clear();
  holders.clear();
  // Once they go away, new clients are served again and the refusals counted.
  CHECK(Eventually([&] {
    Response r;
    return Fetch(server.port(), "/api/campaigns/2", &r) && r.status == 200;
  }));
  CHECK(FetchMetric(server.port(), "banner_connections_refused_total") >= kFlood);
  CHECK(Eventually([&] { return FetchMetric(server.port(), "banner_connections_open") <= 1; }));
  CHECK(Eventually([&] { return OpenFds(pid) <= fds_before; }));
  CHECK(server.Stop() == 0);
  CHECK(server.Log().find("Sanitizer") == std::string::npos);
}

}  // namespace
}  // namespace banner::reliability
