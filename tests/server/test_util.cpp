#include "test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <doctest/doctest.h>

#include "cookies.h"
#include "index_reader.h"
#include "router.h"

namespace banner::test {

std::vector<ListSpec> StandardLists() {
  std::vector<ListSpec> lists;
  for (int q = 1; q <= 4; ++q) {
    const uint64_t base = static_cast<uint64_t>(q) * 10000;
    std::vector<uint64_t> ten;
    for (uint64_t i = 0; i < 10; ++i) ten.push_back(base + 100 + i);
    lists.push_back({q, 1, ten});
    lists.push_back({q, 2, {base + 200}});
    lists.push_back({q, 3, {base + 300, base + 301}});
    lists.push_back({q, 4, {base + 400, base + 401, base + 402, base + 403, base + 404}});
    lists.push_back({q, static_cast<uint64_t>(100 + q), {static_cast<uint64_t>(1000 + q)}});
  }
  return lists;
}

std::string HttpResponse::Header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? std::string() : it->second;
}

bool HttpResponse::Has(std::string_view name) const { return headers.count(std::string(name)) > 0; }

Client::Client(uint16_t port, std::chrono::milliseconds timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

Client::~Client() {
  if (fd_ >= 0) ::close(fd_);
}

bool Client::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool Client::Fill() {
  char buf[16384];
  for (;;) {
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  }
}

bool Client::Read(HttpResponse* out, bool head) {
  *out = HttpResponse();
  size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill()) return false;
  }
  out->head = buffer_.substr(0, end + 4);
  buffer_.erase(0, end + 4);
  // "HTTP/1.1 200 OK"
  if (out->head.size() < 12 || out->head.compare(0, 5, "HTTP/") != 0) return false;
  out->status = std::atoi(out->head.c_str() + 9);
  size_t pos = out->head.find("\r\n") + 2;
  while (pos < end) {
    const size_t eol = out->head.find("\r\n", pos);
    const std::string line = out->head.substr(pos, eol - pos);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t v = colon + 1;
      while (v < line.size() && line[v] == ' ') ++v;
      out->headers.emplace(name, line.substr(v));
    }
    pos = eol + 2;
  }
  size_t length = 0;
  if (out->Has("content-length")) length = std::strtoull(out->Header("content-length").c_str(), nullptr, 10);
  if (head) length = 0;
  while (buffer_.size() < length) {
    if (!Fill()) return false;
  }
  out->body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return true;
}

bool Client::Request(std::string_view target, HttpResponse* out, std::string_view extra_headers,
                     std::string_view method) {
  std::string request;
  request.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  request.append(extra_headers).append("\r\n");
  return Send(request) && Read(out, method == "HEAD");
}

bool Client::WaitClosed() {
  if (!buffer_.empty()) return false;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) return true;
    if (n < 0) return errno == ECONNRESET;
    return false;  // unexpected bytes
  }
}

HttpResponse Fetch(uint16_t port, std::string_view target, std::string_view extra_headers, std::string_view method) {
  Client client(port);
  REQUIRE(client.connected());
  HttpResponse response;
  REQUIRE(client.Request(target, &response, extra_headers, method));
  return response;
}

HandlerFixture::HandlerFixture(std::string_view index_image) {
  Status st;
  auto reader = IndexReader::FromBytes(index_image, &st);
  REQUIRE_MESSAGE(reader != nullptr, st.message());
  snapshot.index = std::move(reader);
  snapshot.generation = 7;
  ctx.snapshot = &snapshot;
  ctx.quarter = 1;
  ctx.rng = &rng;
  ctx.metrics = &metrics;
  ctx.date = "Sun, 22 Nov 2026 04:20:43 GMT";
}

Reply HandlerFixture::Run(std::string_view target, std::string_view method, std::string_view cookie) {
  Request req;
  req.method = method;
  req.target = target;
  if (!cookie.empty()) req.cookies[req.cookie_count++] = cookie;
  Reply reply;
  Handle(req, ctx, &reply);
  return reply;
}

std::string RecentCookie(uint64_t campaign, uint64_t banner) {
  std::string head;
  AppendRecentBannersCookie("", campaign, banner, &head);
  const size_t start = head.find("banners=");
  return head.substr(start, head.find(';') - start);
}

uint64_t CookieBanner(const HttpResponse& response, uint64_t campaign) {
  const std::string key = std::string(kRecentBannersCookie) + "=";
  const std::string v = response.Header("set-cookie");
  uint64_t banner = 0;
  if (v.rfind(key, 0) != 0 ||
      !RecentBanner(std::string_view(v).substr(key.size(), v.find(';') - key.size()), campaign, &banner)) {
    return UINT64_MAX;
  }
  return banner;
}

void CookieJar::Absorb(const HttpResponse& response) {
  auto range = response.headers.equal_range("set-cookie");
  for (auto it = range.first; it != range.second; ++it) {
    const std::string& v = it->second;
    const size_t eq = v.find('=');
    const size_t semi = v.find(';');
    if (eq == std::string::npos) continue;
    const std::string name = v.substr(0, eq);
    if (v.find("; Max-Age=0", eq) != std::string::npos) {  // as a browser does: expired
      cookies_.erase(name);
      continue;
    }
    cookies_[name] = v.substr(eq + 1, semi == std::string::npos ? std::string::npos : semi - eq - 1);
  }
}

std::string CookieJar::Get(const std::string& name) const {
  auto it = cookies_.find(name);
  return it == cookies_.end() ? std::string() : it->second;
}

void CookieJar::Set(const std::string& name, const std::string& value) { cookies_[name] = value; }

std::string CookieJar::HeaderLine() const {
  if (cookies_.empty()) return {};
  std::string line = "Cookie: ";
  bool first = true;
  for (const auto& [name, value] : cookies_) {
    if (!first) line += "; ";
    first = false;
    line += name + "=" + value;
  }
  return line + "\r\n";
}

ServerOptions TestServer::DefaultOptions() {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.threads = 2;
  options.quarter = 1;
  options.watch = true;
  options.handle_signals = false;
  return options;
}

TestServer::TestServer(const std::string& index_path, ServerOptions options) {
  options.index_path = index_path;
  Status st;
  server = Server::Create(options, &st);
  REQUIRE_MESSAGE(server != nullptr, st.message());
  server->Start();
  port = server->port();
}

ServedIndex::ServedIndex(const std::vector<ListSpec>& lists, ServerOptions options) {
  WriteIndex(dir / "index.bin", lists);
  server = std::make_unique<TestServer>(dir / "index.bin", options);
  port = server->port;
}

}  // namespace banner::test
