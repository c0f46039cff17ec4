#include "json.h"

#include <charconv>

namespace banner {

void AppendUint(std::string* out, uint64_t v) {
  char buf[20];  // 2^64 - 1 has 20 digits
  out->append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

void AppendInt(std::string* out, int64_t v) {
  char buf[20];  // -2^63 has 19 digits and the sign
  out->append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

void AppendQuotedString(std::string* out, std::string_view s, QuoteStyle style) {
  static constexpr char kHex[] = "0123456789abcdef";
  const bool json = style == QuoteStyle::kJson;
  out->push_back('"');
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (u < 0x20 || (u == 0x7f && !json)) {
      out->append(json ? "\\u00" : "\\x");
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 15]);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

void AppendBannersJson(std::string* out, const CampaignList& list) {
  out->push_back('[');
  for (size_t i = 0; i < list.size(); ++i) {
    const BannerStats b = list.banner(i);
    if (i > 0) out->push_back(',');
    out->append("{\"banner_id\":");
    AppendUint(out, b.banner_id);
    out->append(",\"clicks\":");
    AppendUint(out, b.clicks);
    out->append(",\"revenue\":");
    AppendMicros(out, b.revenue);
    out->push_back('}');
  }
  out->push_back(']');
}

}  // namespace banner
