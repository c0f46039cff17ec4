// The JSON shapes shared by `bannerc inspect --json` and bannerd's API
// (SPEC sections 4 and 5), so the two cannot drift apart, and the one
// string-escaping loop that JSON and bannerd's logfmt records share.
//
// Everything appends to a caller's string and allocates nothing else, so
// bannerd renders these on the request path into a reused buffer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "index_reader.h"

namespace banner {

// Append `v` in decimal, without a temporary string (for the request path).
void AppendUint(std::string* out, uint64_t v);
void AppendInt(std::string* out, int64_t v);
// Append `v` as 16 lowercase hex digits: how checksums and hashes are shown
// (bannerc inspect, bannerd's banner_index_info, bannerc watch's log).
void AppendHex64(std::string* out, uint64_t v);

// The quoted-string dialects the project writes. Both put `s` between double
// quotes and escape '"' and '\\' with a backslash; they differ in how a
// control byte is written, and in what becomes of bytes that are not UTF-8.
enum class QuoteStyle {
  // 0x00-0x1f as \u00XX (RFC 8259). Valid UTF-8 JSON whatever the bytes (file
  // names need not be UTF-8): well-formed UTF-8 is copied, and each
  // ill-formed sequence (its maximal subpart, as in Unicode's recommended
  // practice) becomes U+FFFD.
  kJson,
  // 0x00-0x1f and 0x7f (DEL) as \xXX; every other byte is copied as it is.
  kLogfmt,
};
void AppendQuotedString(std::string* out, std::string_view s, QuoteStyle style);

// Appends `s` as a JSON string literal, quotes included: valid UTF-8 JSON
// whatever the bytes of `s`.
inline void AppendJsonString(std::string* out, std::string_view s) {
  AppendQuotedString(out, s, QuoteStyle::kJson);
}

// Appends [{"banner_id":310,"clicks":9,"revenue":4.213377},...] in rank order;
// revenue keeps its six decimals exactly.
void AppendBannersJson(std::string* out, const CampaignList& list);

// Appends the members of `bannerc inspect --json`'s object, without its
// braces, so that a caller can add members of its own (bannerd's explain API
// adds "current_quarter"):
//
//   "format_version":1,"checksum":"...","seed":1,"inputs":[{"path":...},...],
//   "lists":[{"quarter":1,"campaign_id":7,"x":12,"rule":"...","banners":[...]},...]
//
// `inputs` is every input file; `lists` the lists `filter` selects.
void AppendIndexJsonMembers(std::string* out, const IndexReader& index, const ListFilter& filter);

}  // namespace banner
