#include "timeout_queue.h"

#include <vector>

#include <doctest/doctest.h>

namespace banner {
namespace {

using Clock = TimeoutQueue::Clock;
using std::chrono::milliseconds;

struct Timed : TimeoutQueue::Entry {
  int id = 0;
};

// Idle 600 ms, read 300, write 400, linger 200, stop linger 100; ticks of 10 ms.
TimeoutQueue MakeQueue() {
  return TimeoutQueue({milliseconds(600), milliseconds(300), milliseconds(400), milliseconds(200), milliseconds(100)},
                      milliseconds(10));
}

std::vector<int> ExpireAt(TimeoutQueue* q, Clock::time_point now) {
  std::vector<int> ids;
  q->Expire(now, [&](TimeoutQueue::Entry* e) { ids.push_back(static_cast<Timed*>(e)->id); });
  return ids;
}

TEST_CASE("TimeoutQueue: an entry expires one tick after its length, never before") {
  TimeoutQueue q = MakeQueue();
  const Clock::time_point t0 = Clock::now();
  q.Tick(t0);
  Timed a;
  a.id = 1;
  q.Arm(&a, Timeout::kRead);
  CHECK(a.armed());
  CHECK_FALSE(q.empty());
  // "now" may be a tick old when arming: the deadline is length + tick.
  CHECK(ExpireAt(&q, t0 + milliseconds(300)).empty());
  CHECK(ExpireAt(&q, t0 + milliseconds(309)).empty());
  CHECK(ExpireAt(&q, t0 + milliseconds(310)) == std::vector<int>{1});
  CHECK_FALSE(a.armed());
  CHECK(q.empty());
}

TEST_CASE("TimeoutQueue: each kind has its length - re-arming moves an entry - disarmed entries never expire") {
  TimeoutQueue q = MakeQueue();
  const Clock::time_point t0 = Clock::now();
  q.Tick(t0);
  Timed idle, read, write, linger, stop, gone;
  idle.id = 1, read.id = 2, write.id = 3, linger.id = 4, stop.id = 5, gone.id = 6;
  q.Arm(&idle, Timeout::kIdle);
  q.Arm(&read, Timeout::kIdle);
  q.Arm(&read, Timeout::kRead);  // leaves the idle list
  q.Arm(&write, Timeout::kWrite);
  q.Arm(&linger, Timeout::kLinger);
  q.Arm(&stop, Timeout::kStopLinger);
  q.Arm(&gone, Timeout::kStopLinger);
  q.Disarm(&gone);
  CHECK_FALSE(gone.armed());
  CHECK(ExpireAt(&q, t0 + milliseconds(110)) == std::vector<int>{5});
  CHECK(ExpireAt(&q, t0 + milliseconds(210)) == std::vector<int>{4});
  CHECK(ExpireAt(&q, t0 + milliseconds(310)) == std::vector<int>{2});
  CHECK(ExpireAt(&q, t0 + milliseconds(410)) == std::vector<int>{3});
  CHECK(ExpireAt(&q, t0 + milliseconds(610)) == std::vector<int>{1});
  CHECK(q.empty());
}

TEST_CASE("TimeoutQueue: re-armed later, an entry expires after the ones armed before it") {
  TimeoutQueue q = MakeQueue();
  const Clock::time_point t0 = Clock::now();
  q.Tick(t0);
  Timed a, b;
  a.id = 1, b.id = 2;
  q.Arm(&a, Timeout::kRead);
  q.Arm(&b, Timeout::kRead);
  q.Tick(t0 + milliseconds(100));
  q.Arm(&a, Timeout::kRead);  // to the tail, 100 ms later
  CHECK(ExpireAt(&q, t0 + milliseconds(310)) == std::vector<int>{2});
  CHECK(ExpireAt(&q, t0 + milliseconds(409)).empty());
  CHECK(ExpireAt(&q, t0 + milliseconds(410)) == std::vector<int>{1});
}

TEST_CASE("TimeoutQueue: a destroyed entry leaves its list - the callback may re-arm and destroy entries") {
  TimeoutQueue q = MakeQueue();
  const Clock::time_point t0 = Clock::now();
  q.Tick(t0);
  Timed kept;
  kept.id = 1;
  {
    Timed temporary;
    temporary.id = 2;
    q.Arm(&temporary, Timeout::kRead);
    q.Arm(&kept, Timeout::kRead);
  }
  auto* doomed = new Timed;
  doomed->id = 3;
  q.Arm(doomed, Timeout::kRead);
  std::vector<int> ids;
  q.Expire(t0 + milliseconds(310), [&](TimeoutQueue::Entry* e) {
    auto* t = static_cast<Timed*>(e);
    ids.push_back(t->id);
    if (t->id == 1) q.Arm(t, Timeout::kIdle);  // e.g. a session that moves on
    if (t->id == 3) delete t;
  });
  CHECK(ids == std::vector<int>{1, 3});
  CHECK(kept.armed());
  CHECK(ExpireAt(&q, t0 + milliseconds(910)) == std::vector<int>{1});
  CHECK(q.empty());
}

}  // namespace
}  // namespace banner
