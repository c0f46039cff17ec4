// Waiting for a condition without a fixed sleep that a loaded machine (or a
// sanitized build) could outrun.
#pragma once

#include <chrono>
#include <thread>

namespace banner::test {

// Polls `done` every 5 ms until it returns true (then true) or `timeout` has
// passed (then false, after one last try). No REQUIRE: safe on any thread.
// Each suite wraps it as Eventually() with its own default timeout.
template <typename F>
bool PollUntil(F done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace banner::test
