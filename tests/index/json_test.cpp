// json.h's string escaping, byte by byte, in both dialects: JSON (bannerc
// inspect --json, bannerd's API) and logfmt (bannerd's log records).
#include "json.h"

#include <string>

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

TEST_CASE("AppendQuotedString: every other byte is copied as it is") {
  for (int b = 0x20; b < 0x100; ++b) {
    if (b == '"' || b == '\\' || b == 0x7f) continue;
    const std::string one(1, static_cast<char>(b));
    CHECK(Quoted(one, QuoteStyle::kJson) == "x\"" + one + "\"");
    CHECK(Quoted(one, QuoteStyle::kLogfmt) == "x\"" + one + "\"");
  }
  CHECK(Quoted("caf\xc3\xa9", QuoteStyle::kJson) == "x\"caf\xc3\xa9\"");  // UTF-8 untouched
}

TEST_CASE("AppendJsonString is the JSON dialect") {
  std::string out;
  AppendJsonString(&out, std::string("a\"\x01\x7f", 4));
  CHECK(out == "\"a\\\"\\u0001\x7f\"");
}

}  // namespace
}  // namespace banner
