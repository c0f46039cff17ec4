#include "choice.h"

#include "cookies.h"
#include "rng.h"

namespace banner {

size_t LastShownPosition(const CampaignList& list, std::string_view recent) {
  uint64_t last = 0;
  if (!RecentBanner(recent, list.campaign_id(), &last)) return kNotShown;
  for (size_t j = 0; j < list.size(); ++j) {
    if (list.banner_id(j) == last) return j;
  }
  return kNotShown;
}

size_t ChooseBanner(const CampaignList& list, std::string_view recent, Rng* rng) {
  const size_t n = list.size();
  if (n <= 1) return 0;
  const size_t last = LastShownPosition(list, recent);
  if (!Excludes(list, last)) return static_cast<size_t>(rng->Below(n));
  const size_t r = static_cast<size_t>(rng->Below(n - 1));
  return r >= last ? r + 1 : r;
}

}  // namespace banner
