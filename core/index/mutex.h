// Mutex and MutexLock: a std::mutex and a scoped lock on it, annotated for
// Clang's thread-safety analysis (thread_annotations.h), in the shape of
// LevelDB's port::Mutex and MutexLock. libstdc++'s std::mutex carries no
// annotations, so a field GUARDED_BY one could not be checked.
//
//   mutable Mutex mu_;
//   uint64_t generation_ GUARDED_BY(mu_) = 0;
//   ...
//   MutexLock lock(&mu_);  // held until the end of the scope
//
// Thread-safety: a mutex; neither copyable nor movable.
#pragma once

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

}  // namespace banner
