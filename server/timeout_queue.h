// TimeoutQueue: one I/O thread's connection deadlines, kept without a timer
// per connection. The worker runs one coarse ticker and calls Expire() at
// each tick; arming, re-arming and disarming a deadline is O(1) and makes no
// syscall and reads no clock.
//
// Every deadline has one of a few fixed lengths (read, idle, write, linger,
// linger while stopping), so instead of a timer wheel there is one FIFO list
// per length: entries armed later expire later, each list stays ordered by
// deadline, and Expire() only looks at list heads.
//
// Coarse: "now" is the time of the last tick (Tick()), and a deadline is
// length + tick after it, so an entry expires between length and
// length + 2 * tick after it was armed, never before.
//
// Ownership: entries are intrusive (a Session is an Entry) and unlink
// themselves when destroyed. Thread-safety: none; one queue per worker, used
// on its thread.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace banner {

enum class Timeout : uint8_t { kIdle, kRead, kWrite, kLinger, kStopLinger };
inline constexpr size_t kTimeoutKinds = 5;

class TimeoutQueue {
 public:
  using Clock = std::chrono::steady_clock;

  class Entry {
   public:
    Entry() = default;
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;
    ~Entry() { Unlink(); }

    bool armed() const { return queue_ != nullptr; }

   private:
    friend class TimeoutQueue;
    void Unlink();

    TimeoutQueue* queue_ = nullptr;  // non-null while armed
    Entry* prev_ = nullptr;
    Entry* next_ = nullptr;
    Clock::time_point deadline_;
    uint8_t list_ = 0;
  };

  // lengths[k] is the length of Timeout k; tick is the period at which the
  // owner calls Tick() + Expire() while the queue is non-empty.
  TimeoutQueue(const std::array<Clock::duration, kTimeoutKinds>& lengths, Clock::duration tick);
  TimeoutQueue(const TimeoutQueue&) = delete;
  TimeoutQueue& operator=(const TimeoutQueue&) = delete;
  ~TimeoutQueue();

  // Sets the queue's "now" (at each tick, and before arming the first entry
  // of an empty queue).
  void Tick(Clock::time_point now) { now_ = now; }
  Clock::duration tick() const { return tick_; }
  bool empty() const { return armed_ == 0; }

  // (Re)arms `entry` for `kind` from now: it leaves whatever list it was in.
  void Arm(Entry* entry, Timeout kind);
  void Disarm(Entry* entry) { entry->Unlink(); }

  // Disarms every entry whose deadline is at or before `now` and calls
  // on_expired(entry) for it, earliest first within each list. on_expired may
  // arm, disarm or destroy entries.
  template <typename F>
  void Expire(Clock::time_point now, F&& on_expired) {
    for (List& list : lists_) {
      while (list.head != nullptr && list.head->deadline_ <= now) {
        Entry* e = list.head;
        e->Unlink();
        on_expired(e);
      }
    }
  }

 private:
  struct List {
    Entry* head = nullptr;
    Entry* tail = nullptr;
    Clock::duration length{};
  };

  std::array<List, kTimeoutKinds> lists_;
  Clock::duration tick_;
  Clock::time_point now_;
  size_t armed_ = 0;
};

}  // namespace banner
