// The visitor's recent banners ("never the same banner twice in a row", SPEC
// section 5): one cookie, "banners", that remembers the banner last shown for
// each of the most recently seen campaigns, most recent first:
//
//   banners=7:4C.1Z:a.0:3      campaign:banner pairs joined by '.'
//
// Ids are written in base 64 (digits 0-9 A-Z a-z - _, most significant
// first; 2^63-1 takes 11 digits). The value is at most kRecentBannersMaxBytes
// long: the oldest campaigns are dropped to make room, so a visitor of any
// number of campaigns never pushes the request headers towards the limit.
// The value is only a hint, never trusted: a missing cookie, a garbage entry
// or a banner that is not on the list is as if it were not there.
//
// Before this cookie, each campaign had its own "b{campaign}" cookie; those
// are ignored, and expired (Max-Age=0) when a visitor still sends them.
//
// Thread-safety: pure functions of their arguments; no allocation (they
// append to a string whose capacity the caller keeps).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace banner {

inline constexpr std::string_view kRecentBannersCookie = "banners";
inline constexpr size_t kRecentBannersMaxBytes = 1000;

// The value of the first cookie named `name` in the Cookie header values,
// without surrounding quotes; empty when there is none.
std::string_view FindCookie(const std::string_view* headers, size_t count, std::string_view name);

// The banner a "banners" cookie value remembers for `campaign_id` (its first
// well-formed entry for it). False when there is none.
bool RecentBanner(std::string_view value, uint64_t campaign_id, uint64_t* banner_id);

// Appends the "Set-Cookie: banners=...; ..." line (CRLF included): the pair
// campaign_id:banner_id first, then the well-formed entries of `value` (the
// cookie as received) for other campaigns, in order, while they fit.
void AppendRecentBannersCookie(std::string_view value, uint64_t campaign_id, uint64_t banner_id,
                               std::string* head);

// Appends a "Set-Cookie: b{campaign}=; Path=/; Max-Age=0" line for each old
// per-campaign cookie in the Cookie header values, so browsers drop them.
void AppendExpireLegacyCookies(const std::string_view* headers, size_t count, std::string* head);

}  // namespace banner
