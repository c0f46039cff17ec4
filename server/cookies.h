// The visitor's last-banner cookies ("never the same banner twice in a row",
// SPEC section 5): cookie "b{campaign}" holds the banner last shown for that
// campaign. The value is only a hint, never trusted: a missing, malformed or
// tampered cookie is as if there were none.
//
// Thread-safety: pure functions of their arguments; no allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace banner {

// "b7" for campaign 7, written into buf.
std::string_view LastBannerCookieName(uint64_t campaign_id, char (&buf)[24]);

// Finds the cookie named `name` in the Cookie header values; its value must
// parse with ParseId (id.h). Returns false for a missing or malformed cookie.
bool FindIdCookie(const std::string_view* headers, size_t count, std::string_view name,
                  uint64_t* value);

// Appends the "Set-Cookie: b{campaign}={banner}; ..." header line (CRLF
// included) that remembers `banner_id` as campaign_id's last banner for a day.
void AppendSetCookie(uint64_t campaign_id, uint64_t banner_id, std::string* head);

}  // namespace banner
