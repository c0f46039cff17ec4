// OrderedIdMap: id -> value for ids that mostly arrive in increasing order,
// as the auto-increment click and conversion ids of time-ordered logs do
// (SPEC section 2: real logs are written in time order).
//
// An id greater than every id in the sorted array is appended to it: no
// hashing and no random memory access, where a hash table costs a cache
// miss per id. Any other id (a repeat, a late or early arrival, an outlier)
// is looked up in the sorted array by interpolation search and, if new,
// kept in an IdMap. An id that belongs among the array's last
// kMaxOvertaken ids takes their place, they moving to the IdMap, so that a
// few outliers (ids far ahead of the others) cannot keep every later id out
// of the array; each id moves at most once. Any order of ids gives the same
// answers; only the speed differs.
//
// Memory: 8 bytes of id and sizeof(Value) per id in the array (up to twice
// that while the vectors grow), the IdMap's for the others.
// Pointers returned are invalidated by the next Insert. Not thread-safe.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "flat_hash_map.h"

namespace banner {

template <typename Value>
class OrderedIdMap {
 public:
  // Returns the value for `id` (default-constructed if new) and whether it
  // was inserted just now.
  std::pair<Value*, bool> Insert(uint64_t id) {
    if (ids_.empty() || id > ids_.back()) {
      if (id <= others_max_) {
        if (Value* v = others_.Find(id)) return {v, false};
      }
      return Append(id);
    }
    const size_t k = LowerBound(id);
    if (ids_[k] == id) return {&values_[k], false};
    if (Value* v = others_.Find(id)) return {v, false};
    if (ids_.size() - k <= kMaxOvertaken) {  // the ids from k on were ahead of their time
      for (size_t i = k; i < ids_.size(); ++i) Keep(ids_[i], values_[i]);
      ids_.resize(k);
      values_.resize(k);
      return Append(id);
    }
    return Keep(id, Value{});
  }

  Value* Find(uint64_t id) {
    if (!ids_.empty() && id <= ids_.back()) {
      const size_t k = LowerBound(id);
      if (ids_[k] == id) return &values_[k];
    }
    return id <= others_max_ ? others_.Find(id) : nullptr;
  }

  // A hint that `id` will be looked up soon (see FlatHashMap::Prefetch):
  // where interpolation will first look.
  void Prefetch(uint64_t id) const {
    if (!ids_.empty() && id <= ids_.back()) PrefetchForRead(&ids_[Guess(id)]);
  }

  // Calls f(id, value) for every id, in no particular order.
  template <typename F>
  void ForEach(F&& f) const {
    for (size_t i = 0; i < ids_.size(); ++i) f(ids_[i], values_[i]);
    others_.ForEach(f);
  }

  size_t memory_bytes() const {
    return ids_.capacity() * sizeof(uint64_t) + values_.capacity() * sizeof(Value) + others_.memory_bytes();
  }

 private:
  std::pair<Value*, bool> Append(uint64_t id) {
    ids_.push_back(id);
    values_.emplace_back();
    return {&values_.back(), true};
  }

  std::pair<Value*, bool> Keep(uint64_t id, const Value& value) {
    others_max_ = std::max(others_max_, id);
    auto [v, inserted] = others_.Insert(id);
    *v = value;
    return {v, inserted};
  }

  // Where `id` would be in the array if the ids were evenly spread.
  // REQUIRES: ids_ not empty, id <= ids_.back().
  size_t Guess(uint64_t id) const {
    const uint64_t first = ids_.front();
    if (id <= first) return 0;
    __extension__ typedef unsigned __int128 U128;
    return static_cast<size_t>(static_cast<U128>(id - first) * (ids_.size() - 1) / (ids_.back() - first));
  }

  // The first index whose id is not less than `id`: from the interpolated
  // guess, steps doubling until they pass `id`, then binary search between.
  // Dense ids are found at the guess.
  // REQUIRES: ids_ not empty, id <= ids_.back().
  size_t LowerBound(uint64_t id) const {
    // The answer is in [lo, hi]: ids below lo are less than id, ids_[hi] is not.
    size_t lo = 0, hi = ids_.size() - 1;
    const size_t guess = Guess(id);
    size_t step = 1;
    if (ids_[guess] < id) {
      lo = guess + 1;
      for (; lo + step - 1 < hi && ids_[lo + step - 1] < id; step *= 2) lo += step;
      hi = std::min(hi, lo + step - 1);
    } else {
      hi = guess;
      for (; step <= hi && ids_[hi - step] >= id; step *= 2) hi -= step;
      lo = step <= hi ? hi - step + 1 : 0;
    }
    while (lo < hi) {
      const size_t mid = lo + (hi - lo) / 2;
      if (ids_[mid] < id) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  // Enough for a burst of outliers; a late id far behind the rest goes to
  // the IdMap instead of moving the many ids after it.
  static constexpr size_t kMaxOvertaken = 64;

  std::vector<uint64_t> ids_;  // ascending
  std::vector<Value> values_;  // parallel to ids_
  IdMap<Value> others_;        // ids not in ids_
  uint64_t others_max_ = 0;    // no id in others_ is larger (0 while it is empty)
};

}  // namespace banner
