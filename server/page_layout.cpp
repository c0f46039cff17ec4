#include "page_layout.h"

namespace banner {

namespace {

constexpr std::string_view kHeadStart =
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>";
// Text colours are at least 4.5:1 against their background (WCAG AA):
// #1f2937 on #fff is 14.7:1, .meta's #4b5563 7.6:1, links' #1d4ed8 6.7:1.
constexpr std::string_view kBaseStyle =
    "</title><style>"
    "body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f3f4f6;color:#1f2937}"
    "main{max-width:760px;margin:3rem auto;padding:2rem 2.5rem;background:#fff;border-radius:12px;"
    "box-shadow:0 4px 18px rgba(0,0,0,.08)}"
    "@media(max-width:480px){main{margin:0;padding:1rem;border-radius:0}}"
    "h1{margin-top:0;overflow-wrap:break-word}a{color:#1d4ed8}.meta{color:#4b5563;font-size:.9rem}"
    "img{display:block;max-width:100%;height:auto;margin:1.5rem auto;border-radius:8px}"
    "input,button{font-size:1rem;padding:.45rem .7rem}";
constexpr std::string_view kHeadEnd = "</style></head><body><main>";
constexpr std::string_view kPageEnd = "</main></body></html>\n";

}  // namespace

void PageStart(std::string* out, std::string_view title, std::string_view extra_style,
               std::string_view more_style) {
  out->append(kHeadStart).append(title).append(kBaseStyle).append(extra_style).append(more_style).append(kHeadEnd);
}

void PageEnd(std::string* out) { out->append(kPageEnd); }

void AppendHtmlEscaped(std::string* out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '&': out->append("&amp;"); break;
      case '<': out->append("&lt;"); break;
      case '>': out->append("&gt;"); break;
      case '"': out->append("&quot;"); break;
      case '\'': out->append("&#39;"); break;
      default: out->push_back(c);
    }
  }
}

}  // namespace banner
