#include "ordered_id_map.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <vector>

namespace banner {
namespace {

constexpr uint64_t kMaxId = (uint64_t{1} << 63) - 1;

// Inserts `ids` in order into an OrderedIdMap and a std::map, storing the
// position of each first occurrence; both must agree on every insert, and
// afterwards on every id inserted and on ids never inserted.
void CheckAgainstMap(const std::vector<uint64_t>& ids) {
  OrderedIdMap<uint32_t> m;
  std::map<uint64_t, uint32_t> expected;
  for (uint32_t i = 0; i < ids.size(); ++i) {
    auto [value, inserted] = m.Insert(ids[i]);
    const auto [it, expected_inserted] = expected.emplace(ids[i], i);
    REQUIRE(inserted == expected_inserted);
    if (inserted) *value = i;
    REQUIRE(*value == it->second);
  }
  for (const auto& [id, first] : expected) {
    const uint32_t* v = m.Find(id);
    REQUIRE(v != nullptr);
    CHECK(*v == first);
    for (const uint64_t near : {id - 1, id + 1}) {
      if (near <= kMaxId && expected.count(near) == 0) CHECK(m.Find(near) == nullptr);
    }
  }
  if (expected.count(kMaxId) == 0) CHECK(m.Find(kMaxId) == nullptr);
  if (expected.count(0) == 0) CHECK(m.Find(0) == nullptr);
}

}  // namespace

TEST_CASE("OrderedIdMap agrees with std::map whatever the order of ids") {
  std::mt19937_64 rng(11);
  for (int round = 0; round < 200; ++round) {
    CAPTURE(round);
    std::vector<uint64_t> ids;
    const size_t n = 1 + rng() % 3000;
    uint64_t next = rng() % 1000;
    for (size_t i = 0; i < n; ++i) {
      switch (rng() % 10) {
        case 0:  // a repeat of an earlier id
          ids.push_back(ids.empty() ? next : ids[rng() % ids.size()]);
          break;
        case 1:  // anything, up to 2^63-1
          ids.push_back(rng() >> 1);
          break;
        case 2:  // a little behind
          ids.push_back(next > 50 ? next - rng() % 50 : next);
          break;
        case 3:  // the extremes
          ids.push_back(rng() % 2 ? 0 : kMaxId);
          break;
        default:  // in time order, with gaps
          next += 1 + rng() % (round % 3 == 0 ? 1000 : 3);
          ids.push_back(next);
      }
    }
    if (round % 5 == 0) std::reverse(ids.begin(), ids.end());
    if (round % 7 == 0) std::shuffle(ids.begin(), ids.end(), rng);
    CheckAgainstMap(ids);
  }
}

TEST_CASE("OrderedIdMap: outliers ahead of the others do not stop the appends") {
  std::vector<uint64_t> ids;
  for (uint64_t i = 0; i < 1000; ++i) {
    ids.push_back(1'000'000 + i);
    // Far ahead, alone or in runs, as bannergen's planted large ids.
    if (i % 100 == 0) {
      for (uint64_t k = 0; k < 1 + i / 100 * 7; ++k) ids.push_back((uint64_t{1} << 40) + i * 100 + k);
    }
  }
  CheckAgainstMap(ids);
  OrderedIdMap<uint32_t> sequential, with_outliers;
  for (uint64_t i = 0; i < 1000; ++i) sequential.Insert(1'000'000 + i);
  for (uint64_t id : ids) with_outliers.Insert(id);
  // Only the 325 outliers end up beside the array (an IdMap of 512 slots of
  // 16 bytes); the 1,000 sequential ids stay in it.
  CHECK(with_outliers.memory_bytes() <= sequential.memory_bytes() + 512 * 16);
}

}  // namespace banner
