// The JSON shapes shared by `bannerc inspect --json` and bannerd's API
// (SPEC sections 4 and 5), so the two cannot drift apart.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "index_reader.h"

namespace banner {

// Append `v` in decimal, without a temporary string (for the request path).
void AppendUint(std::string* out, uint64_t v);
void AppendInt(std::string* out, int64_t v);

// Appends `s` as a JSON string literal, quotes included.
void AppendJsonString(std::string* out, std::string_view s);

// Appends [{"banner_id":310,"clicks":9,"revenue":4.213377},...] in rank order;
// revenue keeps its six decimals exactly.
void AppendBannersJson(std::string* out, const CampaignList& list);

}  // namespace banner
