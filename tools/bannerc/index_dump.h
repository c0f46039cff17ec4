// `bannerc inspect`: what an index will serve, and why — the header, the
// inputs it was built from, and per quarter and campaign X, the rule and the
// ranked banners. As a table for people or as JSON (SPEC section 4).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "index_reader.h"

namespace banner {

struct DumpFilter {
  std::optional<int> quarter;
  std::optional<uint64_t> campaign_id;
};

std::string DumpIndexText(const IndexReader& index, const DumpFilter& filter);
std::string DumpIndexJson(const IndexReader& index, const DumpFilter& filter);

}  // namespace banner
