// Arena: a per-connection bump allocator for the parsed request's header
// fields, so that parsing a request allocates nothing in the common case.
//
// The session resets the arena between requests, after the previous parser
// (the only user) is destroyed. Requests whose fields don't fit fall back to
// the heap for the overflow. Deallocation of arena memory is a no-op.
//
// Thread-safety: none; one arena per session, used on its worker's thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>

namespace banner {

class Arena {
 public:
  explicit Arena(size_t capacity) : buffer_(new char[capacity]), capacity_(capacity) {}
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  void* Allocate(size_t bytes, size_t align) {
    const size_t start = (used_ + align - 1) & ~(align - 1);
    if (start + bytes <= capacity_) {
      used_ = start + bytes;
      return buffer_.get() + start;
    }
    return ::operator new(bytes);
  }

  void Deallocate(void* p) {
    const auto* c = static_cast<const char*>(p);
    if (c >= buffer_.get() && c < buffer_.get() + capacity_) return;
    ::operator delete(p);
  }

  // REQUIRES: nothing allocated from the arena is still in use.
  void Reset() { used_ = 0; }

 private:
  std::unique_ptr<char[]> buffer_;
  size_t capacity_;
  size_t used_ = 0;
};

// A standard allocator over an Arena (for http::basic_fields).
template <typename T>
class ArenaAllocator {
 public:
  using value_type = T;

  explicit ArenaAllocator(Arena* arena) noexcept : arena_(arena) {}
  template <typename U>
  ArenaAllocator(const ArenaAllocator<U>& other) noexcept : arena_(other.arena()) {}

  T* allocate(size_t n) {
    static_assert(alignof(T) <= alignof(std::max_align_t));
    return static_cast<T*>(arena_->Allocate(n * sizeof(T), alignof(T)));
  }
  void deallocate(T* p, size_t) noexcept { arena_->Deallocate(p); }

  Arena* arena() const noexcept { return arena_; }

  template <typename U>
  friend bool operator==(const ArenaAllocator& a, const ArenaAllocator<U>& b) noexcept {
    return a.arena() == b.arena();
  }
  template <typename U>
  friend bool operator!=(const ArenaAllocator& a, const ArenaAllocator<U>& b) noexcept {
    return a.arena() != b.arena();
  }

 private:
  Arena* arena_;
};

}  // namespace banner
