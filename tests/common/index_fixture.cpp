#include "common/index_fixture.h"

#include <doctest/doctest.h>

#include "atomic_file.h"
#include "index_writer.h"

namespace banner::test {

std::string BuildIndex(const std::vector<ListSpec>& lists) {
  IndexWriter writer(/*seed=*/1);
  for (const ListSpec& spec : lists) {
    std::vector<BannerStats> stats;
    for (size_t i = 0; i < spec.banners.size(); ++i) {
      BannerStats s;
      s.banner_id = spec.banners[i];
      s.clicks = 100 - i;
      s.revenue = static_cast<Micros>(10 - i) * 1'000'000 + 123'456;
      stats.push_back(s);
    }
    const uint32_t x = static_cast<uint32_t>(spec.banners.size());
    const Rule rule = x >= 10 ? Rule::kTop10ByRevenue : x >= 5 ? Rule::kAllConvertedByRevenue
                                                               : Rule::kConvertedThenClicks;
    writer.AddList(spec.quarter, spec.campaign, x, rule, stats);
  }
  return writer.Finish();
}

void WriteIndex(const std::string& path, const std::vector<ListSpec>& lists) {
  const Status st = WriteFileAtomically(path, BuildIndex(lists));
  REQUIRE_MESSAGE(st.ok(), st.message());
}

}  // namespace banner::test
