// The JSON shapes shared by `bannerc inspect --json` and bannerd's API
// (SPEC sections 4 and 5), so the two cannot drift apart, and the one
// string-escaping loop that JSON and bannerd's logfmt records share.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "index_reader.h"

namespace banner {

// Append `v` in decimal, without a temporary string (for the request path).
void AppendUint(std::string* out, uint64_t v);
void AppendInt(std::string* out, int64_t v);

// The quoted-string dialects the project writes. Both put `s` between double
// quotes and escape '"' and '\\' with a backslash; they differ only in how a
// control byte is written. Other bytes (UTF-8 included) are copied as they are.
enum class QuoteStyle {
  kJson,    // 0x00-0x1f as \u00XX (RFC 8259)
  kLogfmt,  // 0x00-0x1f and 0x7f (DEL) as \xXX
};
void AppendQuotedString(std::string* out, std::string_view s, QuoteStyle style);

// Appends `s` as a JSON string literal, quotes included.
inline void AppendJsonString(std::string* out, std::string_view s) {
  AppendQuotedString(out, s, QuoteStyle::kJson);
}

// Appends [{"banner_id":310,"clicks":9,"revenue":4.213377},...] in rank order;
// revenue keeps its six decimals exactly.
void AppendBannersJson(std::string* out, const CampaignList& list);

}  // namespace banner
