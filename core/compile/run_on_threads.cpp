#include "run_on_threads.h"

#include <system_error>
#include <thread>
#include <vector>

namespace banner {

void RunOnThreads(unsigned threads, const std::function<void()>& work) {
  std::vector<std::thread> started;
  for (unsigned i = 1; i < threads; ++i) {
    try {
      started.emplace_back(work);
    } catch (const std::system_error&) {
      break;  // no more threads to be had: the ones running share the work
    }
  }
  work();
  for (std::thread& t : started) t.join();
}

}  // namespace banner
