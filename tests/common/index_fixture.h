// Index files built with IndexWriter, for tests that serve them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace banner::test {

// One campaign's list in one quarter; banners in rank order. Banner i gets
// clicks = 100 - i and revenue = (10 - i) + 0.123456 (in micros); X is the
// number of banners.
struct ListSpec {
  int quarter;
  uint64_t campaign;
  std::vector<uint64_t> banners;
};

// The index image holding `lists`.
// REQUIRES: lists in ascending (quarter, campaign) order.
std::string BuildIndex(const std::vector<ListSpec>& lists);
// Builds and publishes with WriteFileAtomically (as bannerc does); REQUIREs
// success.
void WriteIndex(const std::string& path, const std::vector<ListSpec>& lists);

}  // namespace banner::test
