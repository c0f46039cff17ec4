#include "metrics.h"

#include "event_log.h"

#include "index_reader.h"
#include "json.h"
#include "money.h"
#include "index_holder.h"
#include "version.h"

namespace banner {

namespace {

size_t StatusSlot(int status) {
  for (size_t i = 0; i < kKnownStatuses.size(); ++i) {
    if (kKnownStatuses[i] == status) return i;
  }
  return kKnownStatuses.size();
}

void Header(std::string* out, std::string_view name, std::string_view type, std::string_view help) {
  out->append("# HELP ").append(name).append(" ").append(help).append("\n");
  out->append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void Sample(std::string* out, std::string_view name, uint64_t v) {
  out->append(name).append(" ");
  AppendUint(out, v);
  out->append("\n");
}

}  // namespace

std::string_view RouteName(Route route) {
  switch (route) {
    case Route::kRoot: return "root";
    case Route::kCampaignPage: return "campaign_page";
    case Route::kCampaignApi: return "campaign_api";
    case Route::kCampaignForm: return "campaign_form";
    case Route::kWhyPage: return "why_page";
    case Route::kWhyApi: return "why_api";
    case Route::kImage: return "image";
    case Route::kHealthz: return "healthz";
    case Route::kReadyz: return "readyz";
    case Route::kMetrics: return "metrics";
    case Route::kClick: return "click";
    case Route::kBeacon: return "impression_beacon";
    case Route::kNotFound: return "not_found";
    case Route::kBadRequest: return "bad_request";
  }
  return "unknown";
}

void WorkerMetrics::Record(Route route, int status, uint64_t latency_us) {
  Bump(requests[static_cast<size_t>(route)][StatusSlot(status)]);
  size_t b = 0;
  while (b < kLatencyBucketsUs.size() && latency_us > kLatencyBucketsUs[b]) ++b;
  Bump(latency_buckets[b]);
  latency_sum_us.store(latency_sum_us.load(std::memory_order_relaxed) + latency_us,
                       std::memory_order_relaxed);
}

WorkerMetrics* MetricsRegistry::AddWorker() { return &workers_.emplace_back(); }

void MetricsRegistry::Render(const IndexSnapshot* snapshot, int64_t now_unix, std::string* out) const {
  constexpr auto kRelaxed = std::memory_order_relaxed;

  Header(out, "banner_http_requests_total", "counter", "HTTP requests answered, by route and status.");
  for (size_t r = 0; r < kRouteCount; ++r) {
    for (size_t s = 0; s < kStatusSlots; ++s) {
      uint64_t sum = 0;
      for (const auto& w : workers_) sum += w.requests[r][s].load(kRelaxed);
      if (sum == 0) continue;
      out->append("banner_http_requests_total{route=\"").append(RouteName(static_cast<Route>(r)));
      out->append("\",status=\"");
      if (s < kKnownStatuses.size()) {
        AppendUint(out, static_cast<uint64_t>(kKnownStatuses[s]));
      } else {
        out->append("other");
      }
      out->append("\"} ");
      AppendUint(out, sum);
      out->append("\n");
    }
  }

  Header(out, "banner_http_request_duration_seconds", "histogram",
         "Time from a request's first parsed byte to its response written.");
  uint64_t cumulative = 0;
  uint64_t total_us = 0;
  for (size_t b = 0; b <= kLatencyBucketsUs.size(); ++b) {
    for (const auto& w : workers_) cumulative += w.latency_buckets[b].load(kRelaxed);
    out->append("banner_http_request_duration_seconds_bucket{le=\"");
    if (b < kLatencyBucketsUs.size()) {
      AppendMicros(out, kLatencyBucketsUs[b]);  // microseconds in seconds, six decimals
    } else {
      out->append("+Inf");
    }
    out->append("\"} ");
    AppendUint(out, cumulative);
    out->append("\n");
  }
  for (const auto& w : workers_) total_us += w.latency_sum_us.load(kRelaxed);
  out->append("banner_http_request_duration_seconds_sum ");
  AppendMicros(out, total_us);
  out->append("\n");
  Sample(out, "banner_http_request_duration_seconds_count", cumulative);

  uint64_t accepted = 0;
  for (const auto& w : workers_) accepted += w.connections_accepted.load(kRelaxed);
  Header(out, "banner_connections_accepted_total", "counter", "TCP connections accepted and served.");
  Sample(out, "banner_connections_accepted_total", accepted);
  Header(out, "banner_connections_refused_total", "counter",
         "TCP connections refused (503) because --max-connections was reached.");
  Sample(out, "banner_connections_refused_total", connections_refused.load(kRelaxed));
  Header(out, "banner_connections_open", "gauge", "TCP connections currently open.");
  out->append("banner_connections_open ");
  AppendInt(out, connections_open.load(kRelaxed));
  out->append("\n");
  Header(out, "banner_worker_connections_open", "gauge", "TCP connections each I/O thread serves.");
  uint64_t worker = 0;
  for (const auto& w : workers_) {
    out->append("banner_worker_connections_open{worker=\"");
    AppendUint(out, worker++);
    out->append("\"} ");
    AppendInt(out, w.connections_open.load(kRelaxed));
    out->append("\n");
  }

  Header(out, "banner_index_reloads_total", "counter", "Index reloads that were verified and published.");
  Sample(out, "banner_index_reloads_total", reloads_ok.load(kRelaxed));
  Header(out, "banner_index_reload_failures_total", "counter",
         "Index reloads refused (missing, unreadable or corrupt file); the old index kept serving.");
  Sample(out, "banner_index_reload_failures_total", reloads_failed.load(kRelaxed));

  if (snapshot != nullptr) {
    Header(out, "banner_index_generation", "gauge", "Generation of the index this thread serves (1 = loaded at start).");
    Sample(out, "banner_index_generation", snapshot->generation);
    Header(out, "banner_index_age_seconds", "gauge", "Seconds since the served index was loaded.");
    out->append("banner_index_age_seconds ");
    AppendInt(out, now_unix - snapshot->loaded_unix);
    out->append("\n");
    Header(out, "banner_index_info", "gauge", "The index this thread serves, by checksum (as bannerc inspect shows it).");
    out->append("banner_index_info{checksum=\"");
    AppendHex64(out, snapshot->index->checksum());
    out->append("\"} 1\n");
    Header(out, "banner_index_campaigns", "gauge", "Campaign lists in the served index, by quarter.");
    for (int q = 1; q <= kQuarters; ++q) {
      out->append("banner_index_campaigns{quarter=\"");
      AppendInt(out, q);
      out->append("\"} ");
      AppendUint(out, snapshot->index->campaign_count(q));
      out->append("\n");
    }
  }
  Header(out, "banner_build_info", "gauge", "The bannerd version running.");
  out->append("banner_build_info{version=\"").append(kVersion).append("\"} 1\n");
  Header(out, "banner_process_start_time_seconds", "gauge", "Start time of the process (Unix time).");
  out->append("banner_process_start_time_seconds ");
  AppendInt(out, start_unix);
  out->append("\n");
  if (events != nullptr) events->RenderMetrics(now_unix, out);
}

}  // namespace banner
