// What every HTML page of bannerd shares: the document head with its one
// inlined stylesheet (no external asset: the pages work offline), the end of
// the document, and escaping for text that comes from data (input file
// names) rather than from the server.
//
// The base stylesheet is what the campaign page needs, kept small because
// that page is the one served most; pages with tables add kTableStyle, and
// the explain page its own rules after it.
//
// Thread-safety: pure functions of their arguments; they append to a string
// whose capacity the caller keeps (no allocation once it has grown).
#pragma once

#include <string>
#include <string_view>

namespace banner {

// Tables (the home page's campaigns, the explain page's lists): full width,
// numbers never broken, and only the cells of class "w" (ids, names) broken
// anywhere, so that a table fits a 375 px screen by wrapping those alone.
inline constexpr std::string_view kTableStyle =
    "table{border-collapse:collapse;width:100%;margin:1rem 0}"
    "th,td{padding:.35rem .5rem;text-align:left;vertical-align:top;border-bottom:1px solid #e5e7eb}"
    "th{font-weight:600}.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    ".w{overflow-wrap:anywhere}"
    "@media(max-width:480px){table{font-size:.85rem}th,td{padding:.3rem .25rem}}";

// Appends "<!doctype html>..." up to the opening of <main>: the title
// (REQUIRES: no markup in it), the base stylesheet, then the extra rules.
void PageStart(std::string* out, std::string_view title, std::string_view extra_style = {},
               std::string_view more_style = {});

// Appends the end of the document opened by PageStart.
void PageEnd(std::string* out);

// Appends `text` with &, <, >, " and ' as character references: safe inside
// an element and inside a quoted attribute value.
void AppendHtmlEscaped(std::string* out, std::string_view text);

}  // namespace banner
