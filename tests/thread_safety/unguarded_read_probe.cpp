// Must not compile under clang: reads a GUARDED_BY field without its mutex.
#include "mutex.h"
#include "thread_annotations.h"

namespace {

class Counter {
 public:
  int Read() const { return value_; }

 private:
  mutable banner::Mutex mu_;
  int value_ GUARDED_BY(mu_) = 0;
};

}  // namespace

int UnguardedRead() { return Counter().Read(); }
