#include "index_holder.h"

#include <cassert>
#include <utility>

namespace banner {

std::shared_ptr<const IndexSnapshot> IndexHolder::Publish(std::unique_ptr<IndexReader> index,
                                                          int64_t now_unix) {
  assert(index != nullptr);
  MutexLock lock(&mu_);
  auto snapshot = std::make_shared<IndexSnapshot>();
  snapshot->index = std::move(index);
  snapshot->generation = ++generation_;
  snapshot->loaded_unix = now_unix;
  current_ = snapshot;
  return current_;
}

std::shared_ptr<const IndexSnapshot> IndexHolder::current() const {
  MutexLock lock(&mu_);
  return current_;
}

}  // namespace banner
