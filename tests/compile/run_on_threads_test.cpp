#include "run_on_threads.h"

#include <doctest/doctest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "common/sanitized_build.h"

namespace banner {
namespace {

// The loop RunOnThreads requires: take tasks until none are left.
struct Tasks {
  std::atomic<int> next{0}, done{0};
  std::mutex mu;
  std::set<std::thread::id> threads;
  void Work(int count) {
    {
      std::lock_guard lock(mu);
      threads.insert(std::this_thread::get_id());
    }
    while (next++ < count) ++done;
  }
};

}  // namespace

TEST_CASE("RunOnThreads runs the work on the threads asked for, the caller's included") {
  Tasks tasks;
  RunOnThreads(4, [&] { tasks.Work(100'000); });
  CHECK(tasks.done == 100'000);
  CHECK(tasks.threads.size() <= 4);
  CHECK(tasks.threads.count(std::this_thread::get_id()) == 1);

  Tasks alone;
  RunOnThreads(0, [&] { alone.Work(10); });
  CHECK(alone.done == 10);
  CHECK(alone.threads.size() == 1);
}

TEST_CASE("RunOnThreads finishes the work when the system refuses threads") {
  if (test::SanitizedBuild()) return;  // their allocators need the address space this test takes away
  // In a child process whose address space has room for a few 8 MiB thread
  // stacks, not for 64: thread creation fails (EAGAIN) part way.
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    long pages = 0;
    std::ifstream("/proc/self/statm") >> pages;
    const rlim_t limit = static_cast<rlim_t>(pages) * static_cast<rlim_t>(::sysconf(_SC_PAGESIZE)) + (40 << 20);
    const rlimit as{limit, limit};
    if (::setrlimit(RLIMIT_AS, &as) != 0) ::_exit(2);
    Tasks tasks;
    RunOnThreads(64, [&] { tasks.Work(1000); });
    ::_exit(tasks.done == 1000 && tasks.threads.size() < 64 ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK_MESSAGE(WIFEXITED(status), "killed by signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0));
  CHECK(WEXITSTATUS(status) == 0);
}

}  // namespace banner
