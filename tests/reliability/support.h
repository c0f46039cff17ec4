// Helpers for the reliability tests: child processes (bannerd, bannerc) with
// captured output and optional resource limits, a raw HTTP/1.1 client with a
// deadline on every operation, and /proc readings. Folders, files, index
// images and polling come from tests/common.
//
// Everything waits by polling with a deadline (never a fixed sleep that a
// loaded machine could outrun), and nothing here REQUIREs (TempDir does, but
// tests make it on their own thread): helpers report failure by return value,
// so they are safe to call from client threads.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "common/eventually.h"
#include "common/files.h"
#include "common/index_fixture.h"
#include "common/response_values.h"
#include "common/sanitized_build.h"
#include "common/temp_dir.h"

namespace banner::reliability {

using test::BuildIndex;
using test::ChosenBanner;
using test::ListSpec;
using test::ReadFile;
using test::SanitizedBuild;
using test::TempDir;

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Overwrites in place (open with O_TRUNC, write): what a careless tool does.
bool OverwriteInPlace(const std::string& path, std::string_view bytes);

// Publishes an index holding `lists` as bannerc does (WriteFileAtomically).
// False on error.
bool PublishIndex(const std::string& path, const std::vector<ListSpec>& lists);

// PollUntil with this suite's default timeout.
template <typename F>
bool Eventually(F done, milliseconds timeout = milliseconds(15'000)) {
  return test::PollUntil(std::move(done), timeout);
}

// A child process whose stdout and stderr are captured (through a pipe
// drained by a thread, so a file-size limit on the child never touches it).
class Child {
 public:
  struct Options {
    long file_size_limit = -1;  // RLIMIT_FSIZE in bytes (SIGXFSZ ignored); -1: none
  };
  // `cwd`: the child's working folder; empty: this process's. `env`:
  // NAME=value entries added to (and winning over) our environment.
  Child(std::vector<std::string> argv, Options options, const std::string& cwd = {},
        std::vector<std::string> env = {});
  explicit Child(std::vector<std::string> argv) : Child(std::move(argv), Options{}) {}
  ~Child();  // SIGKILLs a child still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  // Exit status, 128 + signal for a signal death, -1 on timeout.
  int Wait(milliseconds timeout = milliseconds(30'000));
  bool Running();
  void Signal(int signo);
  std::string Output() const;  // everything written so far

 private:
  pid_t pid_ = -1;
  int exit_ = -1;
  int out_fd_ = -1;
  mutable std::mutex mu_;
  std::string output_;
  std::thread drain_;
};

// bannerd on 127.0.0.1, any free port, with `flags` added (its log in either
// --log-format).
class Bannerd {
 public:
  // Started in the folder `cwd` (empty: this process's), `env` added,
  // with the child's `limits`.
  Bannerd(const std::string& index, std::vector<std::string> flags, const std::string& cwd = {},
          std::vector<std::string> env = {}, Child::Options limits = {});
  // The port from the start record, 0 if it never started.
  uint16_t port() const { return port_; }
  Child& child() { return child_; }
  std::string Log() const { return child_.Output(); }
  // SIGTERM and the exit status (0 expected).
  int Stop();

 private:
  Child child_;
  uint16_t port_ = 0;
};

struct Response {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
  std::string Header(std::string_view name) const;  // case-insensitive; "" if absent
};

// A raw client socket. Every operation has a deadline.
class Conn {
 public:
  Conn() = default;
  explicit Conn(uint16_t port, milliseconds timeout = milliseconds(10'000));
  ~Conn();
  Conn(Conn&& other) noexcept;
  Conn& operator=(Conn&& other) noexcept;

  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  bool Send(std::string_view bytes, milliseconds timeout = milliseconds(10'000));
  void ShutdownWrite();
  // One response to a request that is not HEAD (Content-Length framing).
  bool Read(Response* out, milliseconds timeout = milliseconds(10'000));
  // Sends a GET and reads the answer.
  bool Get(std::string_view target, Response* out, std::string_view extra_headers = {},
           milliseconds timeout = milliseconds(10'000));
  // Reads until the peer closes (EOF or reset). True if it closed before the
  // timeout; what arrived is appended to *bytes when given.
  bool WaitClosed(milliseconds timeout, std::string* bytes = nullptr);
  void Close();

 private:
  bool Fill(Clock::time_point deadline);
  int fd_ = -1;
  std::string buffer_;
};

// A GET on a fresh connection. False on any failure.
bool Fetch(uint16_t port, std::string_view target, Response* out, milliseconds timeout = milliseconds(10'000));

// The value of the sample `name` (e.g. "banner_index_reload_failures_total",
// no labels) from GET /metrics; -1 on failure.
double FetchMetric(uint16_t port, std::string_view name);

// Resident set size of `pid` in KiB (VmRSS), or -1.
long RssKiB(pid_t pid);
// Open file descriptors of `pid`, or -1.
long OpenFds(pid_t pid);

// Latency statistics, in milliseconds.
struct Latency {
  std::vector<double> samples;
  void Add(double ms) { samples.push_back(ms); }
  double Quantile(double q);  // sorts
  double Max();
};

}  // namespace banner::reliability
