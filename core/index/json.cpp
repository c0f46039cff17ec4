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

namespace {

// The UTF-8 sequence at the start of `s`: a well-formed one (Unicode table
// 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), or else
// its maximal ill-formed subpart, the bytes that one U+FFFD replaces
// (Unicode's recommended practice, which Python and browsers follow).
// REQUIRES: s[0] >= 0x80.
struct Utf8Sequence {
  size_t length;
  bool well_formed;
};

Utf8Sequence NextUtf8Sequence(std::string_view s) {
  const auto lead = static_cast<unsigned char>(s[0]);
  size_t length;
  unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong: below U+0800
    if (lead == 0xED) high = 0x9F;  // surrogates U+D800..U+DFFF
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong: below U+10000
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return {1, false};  // a continuation byte, C0, C1 or F5..FF: never first
  }
  for (size_t i = 1; i < length; ++i) {
    const auto next = i < s.size() ? static_cast<unsigned char>(s[i]) : 0;
    if (next < low || next > high) return {i, false};
    low = 0x80;
    high = 0xBF;
  }
  return {length, true};
}

}  // namespace

void AppendHex64(std::string* out, uint64_t v) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int shift = 60; shift >= 0; shift -= 4) out->push_back(kHex[(v >> shift) & 15]);
}

void AppendQuotedString(std::string* out, std::string_view s, QuoteStyle style) {
  static constexpr char kHex[] = "0123456789abcdef";
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  const bool json = style == QuoteStyle::kJson;
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    const char c = s[i];
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 && json) {
      const Utf8Sequence seq = NextUtf8Sequence(s.substr(i));
      out->append(seq.well_formed ? s.substr(i, seq.length) : kReplacement);
      i += seq.length;
      continue;
    }
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
    ++i;
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

namespace {

void AppendBool(std::string* out, bool v) { out->append(v ? "true" : "false"); }

void AppendInputJson(std::string* out, const InputRecord& in) {
  out->append("{\"path\":");
  AppendJsonString(out, in.path);
  out->append(",\"hash\":\"");
  AppendHex64(out, in.hash);
  out->append("\",\"kind\":\"").append(FileKindName(in.kind)).append("\",\"quarter\":");
  AppendInt(out, in.quarter);
  out->append(",\"duplicate_file\":");
  AppendBool(out, in.duplicate_file);
  out->append(",\"rows_read\":");
  AppendUint(out, in.rows_read);
  out->append(",\"rows_kept\":");
  AppendUint(out, in.rows_kept);
  out->append(",\"rows_duplicate\":");
  AppendUint(out, in.rows_duplicate);
  out->append(",\"rows_rejected\":");
  AppendUint(out, in.rows_rejected);
  out->push_back('}');
}

}  // namespace

void AppendIndexJsonMembers(std::string* out, const IndexReader& index, const ListFilter& filter) {
  out->append("\"format_version\":");
  AppendUint(out, index.format_version());
  out->append(",\"checksum\":\"");
  AppendHex64(out, index.checksum());
  out->append("\",\"seed\":");
  AppendUint(out, index.seed());
  out->append(",\"inputs\":[");
  bool first = true;
  for (const InputRecord& in : index.inputs()) {
    if (!first) out->push_back(',');
    first = false;
    AppendInputJson(out, in);
  }
  out->append("],\"lists\":[");
  first = true;
  ForEachList(index, filter, [&](int quarter, const CampaignList& list) {
    if (!first) out->push_back(',');
    first = false;
    out->append("{\"quarter\":");
    AppendInt(out, quarter);
    out->append(",\"campaign_id\":");
    AppendUint(out, list.campaign_id());
    out->append(",\"x\":");
    AppendUint(out, list.x());
    out->append(",\"rule\":\"").append(RuleName(list.rule())).append("\",\"banners\":");
    AppendBannersJson(out, list);
    out->push_back('}');
  });
  out->push_back(']');
}

}  // namespace banner
