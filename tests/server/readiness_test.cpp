// What the fleet and the dashboards read: /readyz (200 while serving, 503
// during SIGTERM's drain), and which index and version each node runs in
// /metrics. The drain itself, end to end, is tests/operate's.
#include <string>

#include <doctest/doctest.h>

#include "index_holder.h"
#include "index_reader.h"
#include "json.h"
#include "rng.h"
#include "router.h"
#include "test_util.h"
#include "version.h"

namespace banner {
namespace {

struct Served {
  Served() {
    Status st;
    auto reader = IndexReader::FromBytes(test::BuildIndex(test::StandardLists()), &st);
    REQUIRE_MESSAGE(reader != nullptr, st.message());
    snapshot.index = std::move(reader);
    snapshot.generation = 3;
    ctx.snapshot = &snapshot;
    ctx.rng = &rng;
    ctx.metrics = &metrics;
  }
  Reply Get(std::string_view target) {
    Request req;
    req.method = "GET";
    req.target = target;
    Reply reply;
    Handle(req, ctx, &reply);
    return reply;
  }
  IndexSnapshot snapshot;
  Rng rng{1};
  MetricsRegistry metrics;
  Context ctx;
};

TEST_CASE("readyz is 200 while serving and 503 while draining, while healthz stays 200") {
  Served s;
  Reply r = s.Get("/readyz");
  CHECK(r.status == 200);
  CHECK(r.body == "ready generation=3\n");
  CHECK(r.route == Route::kReadyz);
  CHECK(r.keep_alive);

  s.ctx.draining = true;
  r = s.Get("/readyz");
  CHECK(r.status == 503);
  CHECK(r.head.starts_with("HTTP/1.1 503 Service Unavailable\r\n"));
  CHECK(r.head.find("Cache-Control: no-store") != std::string::npos);
  CHECK(s.Get("/healthz").status == 200);
  CHECK(s.Get("/api/campaigns/1").status == 200);
}

TEST_CASE("metrics name the served index's checksum and the version, and count 503s by route") {
  Served s;
  s.metrics.AddWorker()->Record(Route::kReadyz, 503, 10);
  const Reply m = s.Get("/metrics");
  std::string info = "banner_index_info{checksum=\"";
  AppendHex64(&info, s.snapshot.index->checksum());
  info += "\"} ";
  CHECK(info.size() == std::string("banner_index_info{checksum=\"\"} ").size() + 16);
  CHECK(test::MetricValue(m.body, info) == 1);
  CHECK(test::MetricValue(m.body, "banner_build_info{version=\"" + std::string(kVersion) + "\"} ") == 1);
  CHECK(m.body.find("# TYPE banner_index_info gauge\n") != std::string::npos);
  CHECK(test::MetricValue(m.body, "banner_http_requests_total{route=\"readyz\",status=\"503\"} ") == 1);
}

}  // namespace
}  // namespace banner
