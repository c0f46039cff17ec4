// Running one task loop on several threads, the calling one included.
//
// The system may refuse a thread (a container's pids limit, RLIMIT_NPROC,
// address space): the work then runs on the threads that did start, at
// least the caller's, instead of aborting the process. So `work` must be a
// loop that takes tasks until none are left, correct on any number of
// threads from one up.
#pragma once

#include <functional>

namespace banner {

// Runs `work` on up to `threads` threads (0 counts as 1) and returns when
// every one has returned.
void RunOnThreads(unsigned threads, const std::function<void()>& work);

}  // namespace banner
