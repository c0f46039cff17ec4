// json.h: the string escaping, byte by byte, in both dialects: JSON (bannerc
// inspect --json, bannerd's API), valid UTF-8 JSON for any bytes at all, and
// logfmt (bannerd's log records); the hex digits; and the members of inspect
// --json's object that bannerd's explain API shares.
#include "json.h"

#include "index_writer.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace banner {
namespace {

std::string Quoted(std::string_view s, QuoteStyle style) {
  std::string out = "x";  // appends: what is there stays
  AppendQuotedString(&out, s, style);
  return out;
}

TEST_CASE("AppendQuotedString: quotes and backslashes get a backslash in both dialects") {
  for (QuoteStyle style : {QuoteStyle::kJson, QuoteStyle::kLogfmt}) {
    CHECK(Quoted("", style) == "x\"\"");
    CHECK(Quoted("a \"b\" \\c", style) == "x\"a \\\"b\\\" \\\\c\"");
    CHECK(Quoted("\\\"", style) == "x\"\\\\\\\"\"");
  }
}

TEST_CASE("AppendQuotedString: control bytes are \\u00XX in JSON and \\xXX in logfmt, DEL only in logfmt") {
  const std::string controls("\x00\x01\t\n\r\x1b\x1f\x7f", 8);
  CHECK(Quoted(controls, QuoteStyle::kJson) ==
        "x\"\\u0000\\u0001\\u0009\\u000a\\u000d\\u001b\\u001f\x7f\"");
  CHECK(Quoted(controls, QuoteStyle::kLogfmt) == "x\"\\x00\\x01\\x09\\x0a\\x0d\\x1b\\x1f\\x7f\"");
  for (int b = 0; b < 0x20; ++b) {
    const std::string one(1, static_cast<char>(b));
    CHECK(Quoted(one, QuoteStyle::kJson).size() == 1 + 2 + 6);
    CHECK(Quoted(one, QuoteStyle::kLogfmt).size() == 1 + 2 + 4);
  }
}

TEST_CASE("AppendQuotedString: every other byte is copied as it is, in JSON only if it is UTF-8") {
  for (int b = 0x20; b < 0x100; ++b) {
    if (b == '"' || b == '\\' || b == 0x7f) continue;
    const std::string one(1, static_cast<char>(b));
    if (b < 0x80) CHECK(Quoted(one, QuoteStyle::kJson) == "x\"" + one + "\"");
    CHECK(Quoted(one, QuoteStyle::kLogfmt) == "x\"" + one + "\"");
  }
  CHECK(Quoted("caf\xc3\xa9", QuoteStyle::kJson) == "x\"caf\xc3\xa9\"");  // UTF-8 untouched
  CHECK(Quoted("caf\xe9", QuoteStyle::kJson) == "x\"caf\xef\xbf\xbd\"");   // Latin-1 is not UTF-8
}

TEST_CASE("AppendJsonString is the JSON dialect") {
  std::string out;
  AppendJsonString(&out, std::string("a\"\x01\x7f", 4));
  CHECK(out == "\"a\\\"\\u0001\x7f\"");
}

constexpr char32_t kReplacement = 0xFFFD;

// Decodes strict UTF-8 (RFC 3629) by computing each code point and checking
// it, rather than by byte ranges as json.cpp does, so that the two cannot
// share a mistake. nullopt if `s` is not well-formed UTF-8.
std::optional<std::u32string> DecodeUtf8(std::string_view s) {
  std::u32string out;
  for (size_t i = 0; i < s.size();) {
    const auto lead = static_cast<unsigned char>(s[i]);
    size_t length = 1;
    char32_t cp = lead;
    char32_t min = 0;
    if (lead >= 0x80) {
      if ((lead & 0xE0) == 0xC0) {
        length = 2, cp = lead & 0x1F, min = 0x80;
      } else if ((lead & 0xF0) == 0xE0) {
        length = 3, cp = lead & 0x0F, min = 0x800;
      } else if ((lead & 0xF8) == 0xF0) {
        length = 4, cp = lead & 0x07, min = 0x10000;
      } else {
        return std::nullopt;
      }
      if (i + length > s.size()) return std::nullopt;
      for (size_t k = 1; k < length; ++k) {
        const auto next = static_cast<unsigned char>(s[i + k]);
        if ((next & 0xC0) != 0x80) return std::nullopt;
        cp = (cp << 6) | (next & 0x3F);
      }
      if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    }
    out.push_back(cp);
    i += length;
  }
  return out;
}

// Parses one JSON string literal (RFC 8259) that must be all of `json`:
// well-formed UTF-8, no raw control characters, only the defined escapes.
// Returns its value, or nullopt.
std::optional<std::u32string> ParseJsonString(std::string_view json) {
  const std::optional<std::u32string> chars = DecodeUtf8(json);
  if (!chars || chars->size() < 2 || chars->front() != U'"' || chars->back() != U'"') return std::nullopt;
  std::u32string value;
  for (size_t i = 1; i + 1 < chars->size(); ++i) {
    const char32_t c = (*chars)[i];
    if (c == U'"' || c < 0x20) return std::nullopt;
    if (c != U'\\') {
      value.push_back(c);
      continue;
    }
    if (++i + 1 >= chars->size()) return std::nullopt;
    switch ((*chars)[i]) {
      case U'"': value.push_back(U'"'); break;
      case U'\\': value.push_back(U'\\'); break;
      case U'/': value.push_back(U'/'); break;
      case U'b': value.push_back(U'\b'); break;
      case U'f': value.push_back(U'\f'); break;
      case U'n': value.push_back(U'\n'); break;
      case U'r': value.push_back(U'\r'); break;
      case U't': value.push_back(U'\t'); break;
      case U'u': {
        if (i + 4 >= chars->size()) return std::nullopt;
        char32_t cp = 0;
        for (int k = 0; k < 4; ++k) {
          const char32_t h = (*chars)[++i];
          const int digit = h >= U'0' && h <= U'9' ? static_cast<int>(h - U'0')
                            : h >= U'a' && h <= U'f' ? static_cast<int>(h - U'a' + 10)
                            : h >= U'A' && h <= U'F' ? static_cast<int>(h - U'A' + 10)
                                                     : -1;
          if (digit < 0) return std::nullopt;
          cp = cp * 16 + static_cast<char32_t>(digit);
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) return std::nullopt;  // the escaper never needs pairs
        value.push_back(cp);
        break;
      }
      default: return std::nullopt;
    }
  }
  return value;
}

std::string Json(std::string_view s) { return Quoted(s, QuoteStyle::kJson).substr(1); }

// The property every input must have: a valid JSON string whose value is the
// input itself when that is UTF-8, and otherwise the input with its invalid
// parts replaced: at least one U+FFFD, and at most one per byte.
void CheckEscaped(const std::string& in) {
  CAPTURE(in);
  const std::string json = Json(in);
  const std::optional<std::u32string> value = ParseJsonString(json);
  REQUIRE(value);
  const std::optional<std::u32string> decoded = DecodeUtf8(in);
  if (decoded) {
    CHECK(*value == *decoded);
    return;
  }
  const size_t replaced = std::count(value->begin(), value->end(), kReplacement);
  CHECK(replaced >= 1);
  CHECK(replaced <= in.size());
}

TEST_CASE("AppendQuotedString, JSON: every single byte and every pair of bytes give valid JSON") {
  for (int a = 0; a < 256; ++a) {
    const std::string one(1, static_cast<char>(a));
    CheckEscaped(one);
    CheckEscaped("x" + one + "y");
    for (int b = 0; b < 256; ++b) CheckEscaped(one + static_cast<char>(b));
  }
}

TEST_CASE("AppendQuotedString, JSON: three- and four-byte sequences around every boundary give valid JSON") {
  // Every lead byte that can start a long sequence, with continuation
  // candidates at the edges of every range table 3-7 distinguishes.
  const unsigned char edges[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF,
                                 0xC0, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
  for (int lead = 0xC0; lead < 256; ++lead) {
    for (unsigned char b : edges) {
      for (unsigned char c : edges) {
        const std::string three = {static_cast<char>(lead), static_cast<char>(b), static_cast<char>(c)};
        CheckEscaped(three);
        for (unsigned char d : edges) CheckEscaped(three + static_cast<char>(d));
      }
    }
  }
}

TEST_CASE("AppendQuotedString, JSON: valid text is kept, each maximal invalid subpart becomes one U+FFFD") {
  const std::string r = "\xef\xbf\xbd";  // U+FFFD as UTF-8
  CHECK(Json("csv/1/clicks_1.csv") == "\"csv/1/clicks_1.csv\"");
  CHECK(Json("\"\\\n\x01\x1f\x7f") == "\"\\\"\\\\\\u000a\\u0001\\u001f\x7f\"");
  CHECK(Json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf") ==
        "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf\"");
  // Unicode's table 3-8 and its neighbours.
  CHECK(Json("\xff") == "\"" + r + "\"");
  CHECK(Json("a\x80z") == "\"a" + r + "z\"");
  CHECK(Json("\xc3(") == "\"" + r + "(\"");                          // truncated two-byte
  CHECK(Json("\xe2\x82") == "\"" + r + "\"");                        // truncated at the end: one
  CHECK(Json("\xf0\x9f\x98z") == "\"" + r + "z\"");                  // truncated four-byte: one
  CHECK(Json("\xc0\xaf") == "\"" + r + r + "\"");                    // overlong: each byte
  CHECK(Json("\xe0\x80\xaf") == "\"" + r + r + r + "\"");            // overlong three-byte
  CHECK(Json("\xed\xa0\x80") == "\"" + r + r + r + "\"");            // a surrogate
  CHECK(Json("\xf4\x90\x80\x80") == "\"" + r + r + r + r + "\"");    // above U+10FFFF
  CHECK(Json("\xf5\x80") == "\"" + r + r + "\"");
}

TEST_CASE("AppendHex64 writes 16 lowercase digits, zero-padded") {
  std::string out = "x";
  AppendHex64(&out, 0xab);
  CHECK(out == "x00000000000000ab");
  out.clear();
  AppendHex64(&out, 0xfedcba9876543210ull);
  CHECK(out == "fedcba9876543210");
}

TEST_CASE("AppendIndexJsonMembers: the inspect --json members, every input, the lists the filter selects") {
  IndexWriter w(9);
  InputRecord in;
  in.path = "2/clicks_2.csv";
  in.hash = 0xabc;
  in.kind = FileKind::kClicks;
  in.quarter = 2;
  in.duplicate_file = true;
  in.rows_read = 4;
  in.rows_kept = 3;
  in.rows_duplicate = 1;
  in.rows_rejected = 0;
  w.AddInput(in);
  const BannerStats one[] = {{310, 9, 4'213'377}};
  const BannerStats two[] = {{5, 0, 0}, {6, 1, 1}};
  w.AddList(1, 7, 1, Rule::kConvertedThenClicks, one);
  w.AddList(2, 7, 0, Rule::kTopByClicks, two);
  w.AddList(2, 8, 0, Rule::kTopByClicks, two);
  Status st;
  const auto index = IndexReader::FromBytes(w.Finish(), &st);
  REQUIRE_MESSAGE(index != nullptr, st.message());
  std::string checksum;
  AppendHex64(&checksum, index->checksum());

  const auto members = [&](const ListFilter& filter) {
    std::string out = "{";  // appends: what is there stays
    AppendIndexJsonMembers(&out, *index, filter);
    return out;
  };
  const std::string head = "{\"format_version\":1,\"checksum\":\"" + checksum +
                           "\",\"seed\":9,\"inputs\":[{\"path\":\"2/clicks_2.csv\",\"hash\":\"0000000000000abc\","
                           "\"kind\":\"clicks\",\"quarter\":2,\"duplicate_file\":true,\"rows_read\":4,\"rows_kept\":3,"
                           "\"rows_duplicate\":1,\"rows_rejected\":0}],\"lists\":[";
  const std::string list1 = "{\"quarter\":1,\"campaign_id\":7,\"x\":1,\"rule\":\"converted_then_clicks\","
                            "\"banners\":[{\"banner_id\":310,\"clicks\":9,\"revenue\":4.213377}]}";
  const std::string banners2 = "\"banners\":[{\"banner_id\":5,\"clicks\":0,\"revenue\":0.000000},"
                               "{\"banner_id\":6,\"clicks\":1,\"revenue\":0.000001}]}";
  const std::string list2 = "{\"quarter\":2,\"campaign_id\":7,\"x\":0,\"rule\":\"top5_by_clicks\"," + banners2;
  const std::string list3 = "{\"quarter\":2,\"campaign_id\":8,\"x\":0,\"rule\":\"top5_by_clicks\"," + banners2;
  CHECK(members({}) == head + list1 + "," + list2 + "," + list3 + "]");
  CHECK(members({std::nullopt, 7}) == head + list1 + "," + list2 + "]");
  CHECK(members({2, std::nullopt}) == head + list2 + "," + list3 + "]");
  CHECK(members({2, 8}) == head + list3 + "]");
  CHECK(members({3, std::nullopt}) == head + "]");
  CHECK(members({std::nullopt, 9}) == head + "]");
}

}  // namespace
}  // namespace banner
