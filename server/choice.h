// The never-twice-in-a-row choice (SPEC section 5): a banner of the
// campaign's list, uniform among the list minus the banner the visitor saw
// last for that campaign (the "banners" cookie, cookies.h), when that banner
// is on a list of at least two. The campaign page picks with it; the explain
// page says from it which banners the next request can pick.
//
// Thread-safety: pure functions of their arguments; the Rng is the calling
// thread's own.
#pragma once

#include <cstddef>
#include <string_view>

#include "index_reader.h"

namespace banner {

class Rng;

inline constexpr size_t kNotShown = static_cast<size_t>(-1);

// The position on `list` of the banner that `recent` (the visitor's
// "banners" cookie value) remembers for the list's campaign, or kNotShown
// when it remembers none or one that is not on the list.
size_t LastShownPosition(const CampaignList& list, std::string_view recent);

// Whether the next pick leaves position `last` (a LastShownPosition) out:
// only a list of two or more can.
inline bool Excludes(const CampaignList& list, size_t last) { return last != kNotShown && list.size() >= 2; }

// The position of the banner to show. REQUIRES: list.size() > 0.
size_t ChooseBanner(const CampaignList& list, std::string_view recent, Rng* rng);

}  // namespace banner
