// Server metrics, rendered in the Prometheus text format at /metrics.
//
// Hot-path counters live in one WorkerMetrics per I/O thread, written only by
// that thread (relaxed load + store: no lock prefix, no shared cache line) and
// summed by whichever thread renders /metrics. Process-wide values that change
// rarely (reloads, refused connections) are plain atomics on MetricsRegistry.
//
// Thread-safety: AddWorker() before the I/O threads start; everything else
// may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

namespace banner {

class EventLog;
struct IndexSnapshot;

// What a request was routed to; a label of banner_http_requests_total.
enum class Route : uint8_t {
  kRoot,
  kCampaignPage,
  kCampaignApi,
  kCampaignForm,  // GET /campaigns?id=N
  kWhyPage,       // GET /campaigns/{id}/why
  kWhyApi,        // GET /api/campaigns/{id}/why
  kImage,
  kHealthz,
  kReadyz,
  kMetrics,
  kClick,       // GET /click/{campaign}/{banner}
  kBeacon,      // GET /i/{campaign}/{banner}.gif
  kNotFound,  // unknown path
  kBadRequest,  // the request could not be parsed at all; keep last (kRouteCount)
};
inline constexpr size_t kRouteCount = static_cast<size_t>(Route::kBadRequest) + 1;
std::string_view RouteName(Route route);

// The statuses the server can send, in label order; anything else is "other".
inline constexpr std::array<int, 9> kKnownStatuses = {200, 302, 400, 404, 405, 413, 431, 500, 503};
inline constexpr size_t kStatusSlots = kKnownStatuses.size() + 1;

// Latency histogram upper bounds in microseconds (+Inf is implicit).
inline constexpr std::array<uint64_t, 12> kLatencyBucketsUs = {
    50, 100, 250, 500, 1000, 2000, 5000, 10000, 50000, 100000, 500000, 1000000};

struct alignas(64) WorkerMetrics {
  // Called by the owning I/O thread only.
  void Record(Route route, int status, uint64_t latency_us);
  void ConnectionOpened() { Bump(connections_accepted); }

  std::atomic<uint64_t> requests[kRouteCount][kStatusSlots] = {};
  std::atomic<uint64_t> latency_buckets[kLatencyBucketsUs.size() + 1] = {};
  std::atomic<uint64_t> latency_sum_us{0};
  std::atomic<uint64_t> connections_accepted{0};
  // Connections this worker serves or is being handed (Worker::Place): the
  // one counter other threads write too (fetch_add, once per connection).
  std::atomic<int64_t> connections_open{0};

 private:
  static void Bump(std::atomic<uint64_t>& c) {
    c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
};

class MetricsRegistry {
 public:
  // The returned object lives as long as the registry.
  WorkerMetrics* AddWorker();

  // Appends the whole exposition. `snapshot` is the index the rendering
  // thread serves (may be null); now_unix is the current UTC time.
  void Render(const IndexSnapshot* snapshot, int64_t now_unix, std::string* out) const;

  std::atomic<uint64_t> reloads_ok{0};
  std::atomic<uint64_t> reloads_failed{0};
  std::atomic<uint64_t> connections_refused{0};
  std::atomic<int64_t> connections_open{0};
  int64_t start_unix = 0;
  const EventLog* events = nullptr;  // with --events-dir: its counters too

 private:
  std::deque<WorkerMetrics> workers_;  // deque: stable addresses
};

}  // namespace banner
