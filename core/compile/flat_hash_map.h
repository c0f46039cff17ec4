// FlatHashMap: open addressing with linear probing, for the compiler's id
// tables. One contiguous slot array (no node per entry), so memory is about
// sizeof(Slot) / 0.7 per distinct key and lookups touch one cache line.
//
// Traits provides `static Key Empty()` (a key value that never occurs) and
// `static uint64_t Hash(const Key&)`. Values are default-constructed on
// insert. Pointers returned are invalidated by the next insert.
// Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "mix.h"
#include "prefetch.h"

namespace banner {

template <typename Key, typename Value, typename Traits>
class FlatHashMap {
 public:
  struct Slot {
    Key key;
    Value value;
  };

  FlatHashMap() { Rehash(16); }

  // Returns the value for `key` and whether it was inserted just now.
  std::pair<Value*, bool> Insert(const Key& key) {
    if ((size_ + 1) * 10 > capacity_ * 7) Rehash(capacity_ * 2);
    Slot* slot = Probe(key);
    if (slot->key == key) return {&slot->value, false};
    slot->key = key;
    slot->value = Value{};
    ++size_;
    return {&slot->value, true};
  }

  // A hint that `key` will be looked up soon: the merge loops call it a few
  // rows ahead, so the cache miss of a large table overlaps other work.
  void Prefetch(const Key& key) const {
    PrefetchForRead(&slots_[Traits::Hash(key) & (capacity_ - 1)]);
  }

  Value* Find(const Key& key) {
    Slot* slot = Probe(key);
    return slot->key == key ? &slot->value : nullptr;
  }

  size_t memory_bytes() const { return capacity_ * sizeof(Slot); }

  template <typename F>
  void ForEach(F&& f) const {
    for (size_t i = 0; i < capacity_; ++i) {
      if (!(slots_[i].key == Traits::Empty())) f(slots_[i].key, slots_[i].value);
    }
  }

 private:
  Slot* Probe(const Key& key) const {
    size_t i = Traits::Hash(key) & (capacity_ - 1);
    while (!(slots_[i].key == key) && !(slots_[i].key == Traits::Empty())) {
      i = (i + 1) & (capacity_ - 1);
    }
    return &slots_[i];
  }

  void Rehash(size_t capacity) {
    std::unique_ptr<Slot[]> old = std::move(slots_);
    const size_t old_capacity = capacity_;
    slots_.reset(new Slot[capacity]);
    capacity_ = capacity;
    for (size_t i = 0; i < capacity; ++i) slots_[i].key = Traits::Empty();
    for (size_t i = 0; i < old_capacity; ++i) {
      if (!(old[i].key == Traits::Empty())) *Probe(old[i].key) = old[i];
    }
  }

  std::unique_ptr<Slot[]> slots_;
  size_t capacity_ = 0;
  size_t size_ = 0;
};

// Ids are at most 2^63-1 (SPEC section 2), so all-ones never occurs.
// Every id is fully mixed. (Keeping blocks of 8 sequential ids in adjacent
// slots, so that they shared cache lines, made linear-probing runs of about
// 14 slots on average: more instructions than the misses it saved.)
struct IdTraits {
  static uint64_t Empty() { return ~uint64_t{0}; }
  static uint64_t Hash(uint64_t id) { return MixBits(id); }
};

template <typename Value>
using IdMap = FlatHashMap<uint64_t, Value, IdTraits>;

}  // namespace banner
