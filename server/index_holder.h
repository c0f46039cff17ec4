// IndexHolder: owns the current index and numbers its generations.
//
// Publication: Publish() wraps a verified IndexReader in an immutable
// IndexSnapshot and returns a shared_ptr to it; bannerd posts that to each
// worker's io_context, so each I/O thread swaps its private pointer between
// two requests. The request path therefore reads a plain thread-owned
// shared_ptr: no lock, no atomic shared_ptr. A replaced index stays mapped
// until the last thread drops its reference, which happens only between
// requests.
//
// Thread-safety: Publish() and current() may be called from any thread (they
// serialize on mu_, which the request path never touches; checked by Clang's
// -Wthread-safety).
#pragma once

#include <cstdint>
#include <memory>

#include "index_reader.h"
#include "mutex.h"
#include "thread_annotations.h"

namespace banner {

struct IndexSnapshot {
  std::shared_ptr<const IndexReader> index;  // never null
  uint64_t generation = 0;                   // 1 for the index loaded at start
  int64_t loaded_unix = 0;
};

class IndexHolder {
 public:
  // REQUIRES: index != nullptr (already verified). Returns the new snapshot.
  std::shared_ptr<const IndexSnapshot> Publish(std::unique_ptr<IndexReader> index, int64_t now_unix)
      EXCLUDES(mu_);

  std::shared_ptr<const IndexSnapshot> current() const EXCLUDES(mu_);

 private:
  mutable Mutex mu_;
  std::shared_ptr<const IndexSnapshot> current_ GUARDED_BY(mu_);
  uint64_t generation_ GUARDED_BY(mu_) = 0;
};

}  // namespace banner
