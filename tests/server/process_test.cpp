// The bannerd binary itself: start-up failures, --help, SIGHUP reload,
// SIGTERM with requests in flight.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "common/files.h"
#include "atomic_file.h"
#include "test_util.h"

extern char** environ;

namespace banner {
namespace {

using test::Client;
using test::HttpResponse;

// bannerd with stdout+stderr captured to a file.
class Process {
 public:
  Process(std::vector<std::string> args, const std::string& log_path) : log_path_(log_path) {
    args.insert(args.begin(), BANNERD_PATH);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    REQUIRE(posix_spawn(&pid_, BANNERD_PATH, &actions, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Process() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  // Exit code, or -1 on timeout / abnormal exit.
  int Wait(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    int status = 0;
    const bool exited = test::Eventually(
        [&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, timeout);
    if (!exited) return -1;
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  void Signal(int signo) { kill(pid_, signo); }

  std::string Log() const { return test::ReadFile(log_path_); }

  // The port from the "event=start ... port=N" line.
  uint16_t WaitForPort() {
    uint16_t port = 0;
    test::Eventually([&] {
      const std::string log = Log();
      const size_t start = log.find("event=start");
      if (start == std::string::npos) return false;
      const size_t p = log.find(" port=", start);
      if (p == std::string::npos) return false;
      port = static_cast<uint16_t>(std::stoul(log.substr(p + 6)));
      return true;
    });
    return port;
  }

 private:
  pid_t pid_ = -1;
  std::string log_path_;
};

TEST_CASE("bannerd refuses a missing or corrupt index with a clear message and non-zero exit") {
  test::TempDir dir;
  {
    Process p({"--index", dir / "missing.bin", "--listen", "127.0.0.1:0"}, dir / "log1");
    CHECK(p.Wait() != 0);
    const std::string log = p.Log();
    CHECK(log.find("cannot load index") != std::string::npos);
    CHECK(log.find("missing.bin") != std::string::npos);
  }
  {
    REQUIRE(WriteFileAtomically(dir / "corrupt.bin", std::string(200, 'x')).ok());
    Process p({"--index", dir / "corrupt.bin", "--listen", "127.0.0.1:0"}, dir / "log2");
    CHECK(p.Wait() != 0);
    CHECK(p.Log().find("cannot load index") != std::string::npos);
  }
  {
    Process p({"--listen", "127.0.0.1:0"}, dir / "log3");  // --index is required
    CHECK(p.Wait() != 0);
    CHECK(p.Log().find("--index") != std::string::npos);
  }
  {
    test::WriteIndex(dir / "ok.bin", test::StandardLists());
    Process p({"--index", dir / "ok.bin", "--listen", "nonsense"}, dir / "log4");
    CHECK(p.Wait() != 0);
    CHECK(p.Log().find("--listen") != std::string::npos);
  }
  {
    Process p({"--index", dir / "ok.bin", "--quarter", "5"}, dir / "log5");
    CHECK(p.Wait() != 0);
  }
}

TEST_CASE("bannerd --help documents the flags") {
  test::TempDir dir;
  Process p({"--help"}, dir / "log");
  CHECK(p.Wait() == 0);
  const std::string help = p.Log();
  for (const char* flag : {"--index", "--listen", "--threads", "--images", "--quarter", "--max-connections",
                           "--header-limit", "--read-timeout", "--idle-timeout", "--access-log"}) {
    CAPTURE(flag);
    CHECK(help.find(flag) != std::string::npos);
  }
}

TEST_SUITE("concurrency") {
  TEST_CASE("bannerd: SIGHUP reloads - SIGTERM finishes requests in flight and exits 0") {
    test::TempDir dir;
    const std::string index = dir / "index.bin";
    test::WriteIndex(index, {{2, 5, {51, 52}}});
    Process p({"--index", index, "--listen", "127.0.0.1:0", "--threads", "2", "--quarter", "2", "--no-watch",
               "--access-log"},
              dir / "log");
    const uint16_t port = p.WaitForPort();
    REQUIRE(port != 0);

    HttpResponse r;
    {
      Client c(port);
      REQUIRE(c.Request("/api/campaigns/5", &r));
      CHECK(r.status == 200);
      CHECK(r.body.find("\"banner_id\":5") != std::string::npos);
    }
    // SIGHUP: a new index (inotify is off, so only the signal can load it).
    test::WriteIndex(index, {{2, 5, {61, 62}}});
    p.Signal(SIGHUP);
    CHECK(test::Eventually([&] {
      Client c(port);
      HttpResponse x;
      return c.Request("/api/campaigns/5", &x) && x.body.find("\"banner_id\":6") != std::string::npos;
    }));

    Client idle(port);
    REQUIRE(idle.Request("/healthz", &r));
    Client partial(port);
    REQUIRE(partial.Send("GET /api/campaigns/5 HTTP/1.1\r\nHost: a\r\n"));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    p.Signal(SIGTERM);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    REQUIRE(partial.Send("\r\n"));
    REQUIRE(partial.Read(&r));
    CHECK(r.status == 200);
    CHECK(r.Header("connection") == "close");
    CHECK(partial.WaitClosed());
    CHECK(idle.WaitClosed());
    CHECK(p.Wait() == 0);
    const std::string log = p.Log();
    CHECK(log.find("event=reload_ok reason=sighup") != std::string::npos);
    CHECK(log.find("event=stopping reason=sigterm") != std::string::npos);
    CHECK(log.find("event=stop ") != std::string::npos);
    CHECK(log.find("event=access") != std::string::npos);
    // New connections are refused once stopped.
    Client late(port);
    CHECK_FALSE(late.connected());
  }
}

}  // namespace
}  // namespace banner
