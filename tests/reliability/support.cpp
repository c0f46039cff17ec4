#include "support.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "atomic_file.h"

extern char** environ;

namespace banner::reliability {

namespace fs = std::filesystem;

// --- Files ---

bool OverwriteInPlace(const std::string& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = true;
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      ok = false;
      break;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return ::close(fd) == 0 && ok;
}

bool PublishIndex(const std::string& path, const std::vector<ListSpec>& lists) {
  return WriteFileAtomically(path, BuildIndex(lists)).ok();
}

// --- Processes ---

Child::Child(std::vector<std::string> args, Options options, const std::string& cwd,
             std::vector<std::string> env) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return;
  // Everything the child needs is built before fork(): after it, only
  // async-signal-safe calls.
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;  // the added entries first: getenv() takes the first match
  for (auto& e : env) envp.push_back(e.data());
  for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
  envp.push_back(nullptr);
  rlimit fsize{};
  if (options.file_size_limit >= 0) {
    fsize.rlim_cur = fsize.rlim_max = static_cast<rlim_t>(options.file_size_limit);
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    if (options.file_size_limit >= 0) {
      ::signal(SIGXFSZ, SIG_IGN);  // write() fails with EFBIG instead of killing
      ::setrlimit(RLIMIT_FSIZE, &fsize);
    }
    ::signal(SIGPIPE, SIG_DFL);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) _exit(126);
    ::execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  ::close(fds[1]);
  if (pid < 0) {
    ::close(fds[0]);
    return;
  }
  pid_ = pid;
  out_fd_ = fds[0];
  drain_ = std::thread([this] {
    char buf[4096];
    for (;;) {
      const ssize_t n = ::read(out_fd_, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      std::lock_guard<std::mutex> lock(mu_);
      output_.append(buf, static_cast<size_t>(n));
    }
  });
}

Child::~Child() {
  if (pid_ > 0 && exit_ < 0) {
    ::kill(pid_, SIGKILL);
    Wait(milliseconds(30'000));
  }
  if (drain_.joinable()) drain_.join();
  if (out_fd_ >= 0) ::close(out_fd_);
}

int Child::Wait(milliseconds timeout) {
  if (pid_ <= 0) return -1;
  if (exit_ >= 0) return exit_;
  int status = 0;
  const bool done = Eventually([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, timeout);
  if (!done) return -1;
  exit_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  // The pipe reaches EOF once the child (and anything it started) is gone.
  if (drain_.joinable()) drain_.join();
  return exit_;
}

bool Child::Running() {
  if (pid_ <= 0 || exit_ >= 0) return false;
  return Wait(milliseconds(0)) < 0;
}

void Child::Signal(int signo) {
  if (pid_ > 0 && exit_ < 0) ::kill(pid_, signo);
}

std::string Child::Output() const {
  std::lock_guard<std::mutex> lock(mu_);
  return output_;
}

namespace {

std::vector<std::string> BannerdArgs(const std::string& index, std::vector<std::string> flags) {
  std::vector<std::string> args = {BANNERD_PATH, "--index", index, "--listen", "127.0.0.1:0"};
  args.insert(args.end(), flags.begin(), flags.end());
  return args;
}

}  // namespace

Bannerd::Bannerd(const std::string& index, std::vector<std::string> flags, const std::string& cwd,
                 std::vector<std::string> env, Child::Options limits)
    : child_(BannerdArgs(index, std::move(flags)), limits, cwd, std::move(env)) {
  // The port of the start record, logfmt or JSON.
  const auto parse = [&](std::string_view event, std::string_view port_field) {
    const std::string log = child_.Output();
    const size_t start = log.find(event);
    const size_t p = start == std::string::npos ? start : log.find(port_field, start);
    if (p != std::string::npos) port_ = static_cast<uint16_t>(std::atoi(log.c_str() + p + port_field.size()));
  };
  // Sanitized builds start slowly on a loaded machine: be generous.
  Eventually(
      [&] {
        parse("event=start ", " port=");
        if (port_ == 0) parse("\"event\":\"start\"", "\"port\":");
        return port_ != 0 || !child_.Running();
      },
      milliseconds(60'000));
}

int Bannerd::Stop() {
  child_.Signal(SIGTERM);
  return child_.Wait(milliseconds(60'000));
}

// --- HTTP ---

std::string Response::Header(std::string_view name) const {
  size_t pos = head.find("\r\n");
  while (pos != std::string::npos && pos + 2 < head.size()) {
    const size_t start = pos + 2;
    const size_t end = head.find("\r\n", start);
    const std::string_view line(head.data() + start, (end == std::string::npos ? head.size() : end) - start);
    const size_t colon = line.find(':');
    if (colon == name.size() &&
        std::equal(name.begin(), name.end(), line.begin(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      std::string_view v = line.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      return std::string(v);
    }
    pos = end;
  }
  return "";
}

Conn::Conn(uint16_t port, milliseconds timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return;
  if (errno != EINPROGRESS) {
    Close();
    return;
  }
  pollfd p{fd_, POLLOUT, 0};
  int err = 0;
  socklen_t len = sizeof err;
  if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1 ||
      ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
    Close();
  }
}

Conn::~Conn() { Close(); }

Conn::Conn(Conn&& other) noexcept : fd_(other.fd_), buffer_(std::move(other.buffer_)) { other.fd_ = -1; }

Conn& Conn::operator=(Conn&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = other.fd_;
    buffer_ = std::move(other.buffer_);
    other.fd_ = -1;
  }
  return *this;
}

void Conn::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void Conn::ShutdownWrite() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

bool Conn::Send(std::string_view bytes, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!bytes.empty()) {
    if (fd_ < 0) return false;
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return false;
      pollfd p{fd_, POLLOUT, 0};
      ::poll(&p, 1, static_cast<int>(left));
      continue;
    }
    return false;
  }
  return true;
}

// One more read into buffer_; false on EOF, error or deadline.
bool Conn::Fill(Clock::time_point deadline) {
  for (;;) {
    if (fd_ < 0) return false;
    char buf[16 * 1024];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      buffer_.append(buf, static_cast<size_t>(n));
      return true;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return false;
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(left));
  }
}

bool Conn::Read(Response* out, milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(deadline)) return false;
  }
  out->head = buffer_.substr(0, end + 2);
  out->status = 0;
  if (out->head.size() > 12 && out->head.compare(0, 5, "HTTP/") == 0) {
    out->status = std::atoi(out->head.c_str() + 9);
  }
  const std::string length = out->Header("Content-Length");
  const size_t body = length.empty() ? 0 : std::strtoull(length.c_str(), nullptr, 10);
  while (buffer_.size() < end + 4 + body) {
    if (!Fill(deadline)) return false;
  }
  out->body = buffer_.substr(end + 4, body);
  buffer_.erase(0, end + 4 + body);
  return out->status != 0;
}

bool Conn::Get(std::string_view target, Response* out, std::string_view extra_headers, milliseconds timeout) {
  std::string req = "GET ";
  req.append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n").append(extra_headers).append("\r\n");
  return Send(req, timeout) && Read(out, timeout);
}

bool Conn::WaitClosed(milliseconds timeout, std::string* bytes) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (fd_ < 0) return true;
    char buf[16 * 1024];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      if (bytes) bytes->append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return true;
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) return true;  // reset: closed too
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(left));
  }
}

bool Fetch(uint16_t port, std::string_view target, Response* out, milliseconds timeout) {
  Conn c(port, timeout);
  return c.ok() && c.Get(target, out, {}, timeout);
}

double FetchMetric(uint16_t port, std::string_view name) {
  Response r;
  if (!Fetch(port, "/metrics", &r) || r.status != 200) return -1;
  return test::MetricValue(r.body, std::string(name) + " ");
}

// --- /proc ---

long RssKiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

long OpenFds(pid_t pid) {
  std::error_code ec;
  long n = 0;
  for (auto it = fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec);
       !ec && it != fs::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return ec ? -1 : n;
}

double Latency::Quantile(double q) {
  if (samples.empty()) return 0;
  std::sort(samples.begin(), samples.end());
  const size_t i = std::min(samples.size() - 1, static_cast<size_t>(q * static_cast<double>(samples.size())));
  return samples[i];
}

double Latency::Max() { return samples.empty() ? 0 : *std::max_element(samples.begin(), samples.end()); }

}  // namespace banner::reliability
