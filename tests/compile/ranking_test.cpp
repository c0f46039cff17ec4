#include "ranking.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <set>

namespace banner {
namespace {

// `converted` banners 1..converted with revenue descending (banner i earns
// 1000-i), then `clicked` banners with clicks descending, then `idle` ones.
std::vector<BannerTotals> Campaign(int converted, int clicked, int idle) {
  std::vector<BannerTotals> v;
  uint64_t id = 1;
  for (int i = 0; i < converted; ++i, ++id) v.push_back({id, 1, 1, Micros{1000 - id}});
  for (int i = 0; i < clicked; ++i, ++id) v.push_back({id, static_cast<uint64_t>(100 - i), 0, 0});
  for (int i = 0; i < idle; ++i, ++id) v.push_back({id, 0, 0, 0});
  return v;
}

std::vector<uint64_t> Ids(const RankedList& l) {
  std::vector<uint64_t> ids;
  for (const auto& b : l.banners) ids.push_back(b.banner_id);
  return ids;
}

std::vector<uint64_t> Range(uint64_t from, uint64_t to) {
  std::vector<uint64_t> v;
  for (uint64_t i = from; i <= to; ++i) v.push_back(i);
  return v;
}

}  // namespace

TEST_CASE("X >= 10: the top 10 converted banners by revenue") {
  for (int x : {10, 11, 25}) {
    const RankedList l = RankCampaign(Campaign(x, 3, 3), 1, 1, 7);
    CHECK(l.x == static_cast<uint32_t>(x));
    CHECK(l.rule == Rule::kTop10ByRevenue);
    CHECK(Ids(l) == Range(1, 10));
  }
}

TEST_CASE("5 <= X <= 9: all converted banners by revenue, nothing else") {
  for (int x : {5, 6, 9}) {
    const RankedList l = RankCampaign(Campaign(x, 3, 3), 1, 1, 7);
    CHECK(l.x == static_cast<uint32_t>(x));
    CHECK(l.rule == Rule::kAllConvertedByRevenue);
    CHECK(Ids(l) == Range(1, x));
  }
}

TEST_CASE("1 <= X <= 4: converted first, then the most clicked, to make five") {
  for (int x : {1, 2, 4}) {
    const RankedList l = RankCampaign(Campaign(x, 6, 2), 1, 1, 7);
    CHECK(l.x == static_cast<uint32_t>(x));
    CHECK(l.rule == Rule::kConvertedThenClicks);
    CHECK(Ids(l) == Range(1, 5));  // clicked banners follow in clicks order
  }
}

TEST_CASE("X = 0: the five most clicked banners") {
  const RankedList l = RankCampaign(Campaign(0, 7, 2), 1, 1, 7);
  CHECK(l.x == 0);
  CHECK(l.rule == Rule::kTopByClicks);
  CHECK(Ids(l) == Range(1, 5));
}

TEST_CASE("too few clicked banners: a seeded random fill from the rest of U") {
  const auto banners = Campaign(1, 1, 8);  // ids 1 converted, 2 clicked, 3..10 idle
  const RankedList l = RankCampaign(banners, 42, 2, 9);
  REQUIRE(l.banners.size() == 5);
  CHECK(l.banners[0].banner_id == 1);
  CHECK(l.banners[1].banner_id == 2);
  std::set<uint64_t> fill;
  for (size_t i = 2; i < 5; ++i) {
    CHECK(l.banners[i].banner_id >= 3);
    CHECK(l.banners[i].clicks == 0);
    fill.insert(l.banners[i].banner_id);
  }
  CHECK(fill.size() == 3);  // unique

  SUBCASE("same seed, same fill, whatever the input order") {
    auto shuffled = banners;
    std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(5));
    CHECK(Ids(RankCampaign(shuffled, 42, 2, 9)) == Ids(l));
  }
  SUBCASE("the fill is not always the lowest ids: seeds reach other banners") {
    std::set<uint64_t> seen;
    for (uint64_t seed = 0; seed < 50; ++seed) {
      for (const auto& b : RankCampaign(banners, seed, 2, 9).banners) seen.insert(b.banner_id);
    }
    CHECK(seen.size() == 10);
  }
}

TEST_CASE("U smaller than five: the list is all of U") {
  const RankedList l = RankCampaign(Campaign(1, 1, 1), 1, 1, 7);
  CHECK(l.banners.size() == 3);
  const RankedList one = RankCampaign(Campaign(0, 0, 1), 1, 1, 7);
  CHECK(Ids(one) == std::vector<uint64_t>{1});
  CHECK(one.rule == Rule::kTopByClicks);
}

TEST_CASE("revenue ties break by clicks, then by banner_id ascending") {
  std::vector<BannerTotals> v = {
      {30, 5, 1, 100}, {10, 5, 1, 100}, {20, 9, 1, 100}, {40, 1, 1, 500}, {50, 1, 1, 100},
  };
  CHECK(Ids(RankCampaign(v, 1, 1, 1)) == std::vector<uint64_t>{40, 20, 10, 30, 50});
}

TEST_CASE("click ties break by revenue, then by banner_id ascending") {
  // One converted banner, then unconverted banners with tied clicks.
  std::vector<BannerTotals> v = {
      {99, 1, 1, 5}, {30, 4, 0, 0}, {10, 4, 0, 0}, {20, 7, 0, 0}, {5, 4, 0, 0}, {6, 1, 0, 0},
  };
  CHECK(Ids(RankCampaign(v, 1, 1, 1)) == std::vector<uint64_t>{99, 20, 5, 10, 30});
}

TEST_CASE("a converted banner with zero revenue still counts toward X") {
  std::vector<BannerTotals> v = Campaign(0, 6, 0);
  v[5].conversions = 1;  // banner 6: fewest clicks, converted, revenue 0
  const RankedList l = RankCampaign(v, 1, 1, 1);
  CHECK(l.x == 1);
  CHECK(l.banners[0].banner_id == 6);
}

}  // namespace banner
