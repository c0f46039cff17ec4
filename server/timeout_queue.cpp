#include "timeout_queue.h"

namespace banner {

TimeoutQueue::TimeoutQueue(const std::array<Clock::duration, kTimeoutKinds>& lengths, Clock::duration tick)
    : tick_(tick) {
  for (size_t k = 0; k < kTimeoutKinds; ++k) lists_[k].length = lengths[k];
}

TimeoutQueue::~TimeoutQueue() {
  for (List& list : lists_) {
    while (list.head != nullptr) list.head->Unlink();
  }
}

void TimeoutQueue::Arm(Entry* entry, Timeout kind) {
  entry->Unlink();
  List& list = lists_[static_cast<size_t>(kind)];
  entry->queue_ = this;
  entry->list_ = static_cast<uint8_t>(kind);
  // now_ may be up to one tick old: one tick more keeps the deadline from
  // coming early.
  entry->deadline_ = now_ + list.length + tick_;
  entry->prev_ = list.tail;
  entry->next_ = nullptr;
  (list.tail != nullptr ? list.tail->next_ : list.head) = entry;
  list.tail = entry;
  ++armed_;
}

void TimeoutQueue::Entry::Unlink() {
  if (queue_ == nullptr) return;
  List& list = queue_->lists_[list_];
  (prev_ != nullptr ? prev_->next_ : list.head) = next_;
  (next_ != nullptr ? next_->prev_ : list.tail) = prev_;
  prev_ = next_ = nullptr;
  --queue_->armed_;
  queue_ = nullptr;
}

}  // namespace banner
