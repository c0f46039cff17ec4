// Values read out of what bannerd answers. No REQUIRE: safe to call from
// client threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace banner::test {

// The value of the first Prometheus sample line that starts with `prefix`
// (the sample name, any labels and the separating space, e.g.
// "banner_index_reload_failures_total "), or -1.
double MetricValue(const std::string& exposition, std::string_view prefix);

// The chosen banner of an /api/campaigns response, or UINT64_MAX when the
// status is not 200 or the body names no banner.
uint64_t ChosenBanner(int status, std::string_view body);
// The same for any response type with `status` and `body` members (each suite
// has its own HTTP client).
template <typename Response>
uint64_t ChosenBanner(const Response& r) {
  return ChosenBanner(r.status, r.body);
}

}  // namespace banner::test
