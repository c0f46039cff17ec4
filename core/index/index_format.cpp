#include "index_format.h"

#include <xxhash.h>

namespace banner {

uint64_t IndexChecksum(std::string_view image) {
  return XXH3_64bits(image.data() + kChecksumOffset + 8, image.size() - kChecksumOffset - 8);
}

std::string_view RuleName(Rule rule) {
  switch (rule) {
    case Rule::kTop10ByRevenue: return "top10_by_revenue";
    case Rule::kAllConvertedByRevenue: return "all_converted_by_revenue";
    case Rule::kConvertedThenClicks: return "converted_then_clicks";
    case Rule::kTopByClicks: return "top5_by_clicks";
  }
  return "unknown";
}

std::string_view FileKindName(FileKind kind) {
  switch (kind) {
    case FileKind::kImpressions: return "impressions";
    case FileKind::kClicks: return "clicks";
    case FileKind::kConversions: return "conversions";
  }
  return "unknown";
}

}  // namespace banner
