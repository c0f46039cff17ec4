// EventLog: the impressions and clicks bannerd serves, written as the CSVs
// bannerc reads (SPEC section 2), so that serve -> log -> compile -> serve
// needs no other system.
//
// Request path: each I/O thread owns one EventSink, a fixed ring of events
// with one producer (that thread) and one consumer (the writer thread):
// Record() is a few stores and one release store, no lock, no allocation,
// no syscall. A full ring drops the event and counts it; the request is never
// delayed.
//
// Writer thread: every flush interval it drains the rings and appends the
// rows to one file per (kind, quarter, period): a period is a quarter-hour of
// wall time (or --events-rotate-seconds, which must divide 900), and the row's
// quarter is the quarter its request was served in. A file is written under a
// dot-name, which `bannerc build`/`watch` skip, and renamed to
//   {impressions,clicks}_{q}_{host}_{period start}_{process start}.csv
// once its period has closed (plus a grace of two flush intervals for
// events still in the rings). Stop() drains, writes and renames everything.
// A crash loses what the rings held (at most one flush interval); the dot-files
// it leaves are cut to their last whole row and renamed into place by the next
// start on the same folder (Create()).
//
// click_id (63 bits): host id (10) | second since 2025-01-01 UTC (31, until
// 2093) | I/O thread (8) | counter within that second (14). Unique across
// threads, hosts (distinct --events-host-id) and restarts as long as the
// clock does not step back past the ids already issued: a thread issues at
// most 16384 ids per second; beyond that it borrows the next second, so its
// seconds never go backwards within a process (a clock stepped back is
// ignored until it catches up), but a restart after a backwards step of the
// clock, or right after a burst that borrowed seconds ahead, could repeat ids.
//
// Thread-safety: sink(i) is used by I/O thread i only; Start/Stop from the
// owning thread; the counters may be read from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "status.h"

namespace banner {

enum class EventKind : uint8_t { kImpression, kClick };

struct Event {
  int64_t served_unix = 0;
  uint64_t campaign_id = 0;
  uint64_t banner_id = 0;
  uint64_t click_id = 0;  // clicks only
  EventKind kind = EventKind::kImpression;
  uint8_t quarter = 1;
};

// Packs a click_id (layout above); `second_since_epoch` counts from 2025-01-01.
uint64_t PackClickId(uint32_t host_id, uint64_t second_since_epoch, uint32_t thread, uint32_t counter);
inline constexpr int64_t kClickIdEpochUnix = 1735689600;  // 2025-01-01T00:00:00Z
inline constexpr uint32_t kClickIdsPerSecond = 1u << 14;
inline constexpr uint32_t kMaxHostId = (1u << 10) - 1;
inline constexpr uint32_t kMaxEventThreads = 1u << 8;

class alignas(64) EventSink {
 public:
  EventSink(size_t capacity, uint32_t host_id, uint32_t thread);
  EventSink(const EventSink&) = delete;
  EventSink& operator=(const EventSink&) = delete;

  // Owner thread. False (and counted) when the ring is full.
  bool Record(const Event& event);
  // Owner thread: a fresh click_id for a click served at `now_unix`.
  uint64_t NextClickId(int64_t now_unix);

  // Writer thread: moves the queued events to *out (appended).
  void Drain(std::vector<Event>* out);

  uint64_t recorded(EventKind kind) const { return recorded_[static_cast<size_t>(kind)].load(std::memory_order_relaxed); }
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  static void Bump(std::atomic<uint64_t>& c) { c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed); }

  std::vector<Event> ring_;
  const size_t mask_;
  alignas(64) std::atomic<uint64_t> head_{0};  // written by the owner
  std::atomic<uint64_t> recorded_[2] = {};
  std::atomic<uint64_t> dropped_{0};
  uint64_t id_second_ = 0;  // owner's click_id clock
  uint32_t id_counter_ = 0;
  const uint32_t host_id_;
  const uint32_t thread_;
  alignas(64) std::atomic<uint64_t> tail_{0};  // written by the writer
};

struct EventLogOptions {
  std::string dir;
  std::string host;            // in the file names: [A-Za-z0-9-]+
  uint32_t host_id = 0;        // in the click_ids: 0..1023
  int rotate_seconds = 900;    // divides 900
  std::chrono::milliseconds flush_interval{100};
  size_t ring_events = 1 << 17;  // per I/O thread; a power of two (5 MB)
};

class EventLog {
 public:
  // Checks the options and the folder (creates it), and recovers the
  // dot-files a crash left there. nullptr with *error on failure.
  static std::unique_ptr<EventLog> Create(const EventLogOptions& options, unsigned threads, Status* error);
  ~EventLog();  // Stop()

  EventSink* sink(unsigned thread) { return sinks_[thread].get(); }
  void Start();
  // Drains, writes and closes every file (renamed into place).
  void Stop();

  // Prometheus text: recorded, dropped, bytes written, files closed, open file age.
  void RenderMetrics(int64_t now_unix, std::string* out) const;

  struct OpenFile;

 private:
  explicit EventLog(const EventLogOptions& options);
  void Run();
  void Flush(bool final);
  void Write(OpenFile* file, const std::string& rows, size_t events);
  void Close(OpenFile* file);

  const EventLogOptions options_;
  const int64_t start_unix_;
  std::vector<std::unique_ptr<EventSink>> sinks_;
  std::vector<std::unique_ptr<OpenFile>> files_;  // writer thread only
  std::vector<Event> batch_;                      // writer thread only
  std::thread thread_;
  std::mutex mu_;  // the writer's sleep only, never the request path
  std::condition_variable wake_;
  bool stop_ = false;  // guarded by mu_
  std::atomic<uint64_t> write_dropped_{0};
  std::atomic<uint64_t> late_dropped_{0};
  std::atomic<uint64_t> bytes_written_{0};
  std::atomic<uint64_t> files_closed_{0};
  std::atomic<int64_t> oldest_open_unix_{0};  // 0: none open
};

}  // namespace banner
