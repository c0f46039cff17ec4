// Mutex, MutexLock and CondVar: a std::mutex, a scoped lock on it and a
// condition variable waited on with it, annotated for Clang's thread-safety
// analysis (thread_annotations.h), in the shape of LevelDB's port::Mutex,
// MutexLock and port::CondVar. libstdc++'s std::mutex carries no
// annotations, so a field GUARDED_BY one could not be checked.
//
//   mutable Mutex mu_;
//   uint64_t generation_ GUARDED_BY(mu_) = 0;
//   ...
//   MutexLock lock(&mu_);  // held until the end of the scope
//
//   CondVar changed_{&mu_};
//   mu_.Lock();
//   while (!ready_) changed_.Wait();  // releases mu_ while blocked
//   mu_.Unlock();
//
// Thread-safety: Mutex is a mutex and CondVar a condition variable; neither
// is copyable nor movable.
#pragma once

#include <condition_variable>
#include <mutex>

#include "thread_annotations.h"

namespace banner {

class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ACQUIRE() { mu_.lock(); }
  void Unlock() RELEASE() { mu_.unlock(); }

 private:
  friend class CondVar;
  std::mutex mu_;
};

class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ACQUIRE(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() RELEASE() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

// Waits for a change made under *mu. Wait is not annotated: the analysis
// cannot tell that the caller's mutex and *mu are the same.
class CondVar {
 public:
  explicit CondVar(Mutex* mu) : mu_(mu) {}
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  // REQUIRES: *mu held. Releases it while blocked; holds it again on return,
  // possibly without a SignalAll (a spurious wake-up): wait in a loop.
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_->mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();
  }
  void SignalAll() { cv_.notify_all(); }

 private:
  Mutex* const mu_;
  std::condition_variable cv_;
};

}  // namespace banner
