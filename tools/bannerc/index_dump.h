// `bannerc inspect`: what an index will serve, and why — the header, the
// inputs it was built from, and per quarter and campaign X, the rule and the
// ranked banners. As a table for people or as JSON (SPEC section 4).
#pragma once

#include <string>

#include "index_reader.h"

namespace banner {

std::string DumpIndexText(const IndexReader& index, const ListFilter& filter);
// The object of json.h's AppendIndexJsonMembers, and a newline.
std::string DumpIndexJson(const IndexReader& index, const ListFilter& filter);

}  // namespace banner
