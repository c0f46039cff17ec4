// The head of every response: status line and the headers all responses
// carry (Server, Date, Content-Type, Content-Length, Connection). Pages add
// their own headers between BeginHead() and EndHead().
//
// Thread-safety: pure functions of their arguments.
#pragma once

#include <string_view>

#include "exchange.h"

namespace banner {

inline constexpr std::string_view kHtmlType = "text/html; charset=utf-8";
inline constexpr std::string_view kJsonType = "application/json";
// Pages and API answers change with every index and every visit.
inline constexpr std::string_view kNoStoreHeader = "Cache-Control: no-store\r\n";

// "HTTP/1.1 404 Not Found\r\n" for the statuses bannerd sends; any other
// status gets the 500 line.
std::string_view StatusLine(int status);

// "404 Not Found": StatusLine() without the version and the CRLF.
std::string_view StatusTitle(int status);

// Appends to r->head the status line for r->status and the common headers:
// Content-Length is that of r->external if set, else of r->body (so the body
// is rendered first; also for HEAD, which sends none); Date when ctx.date is
// set; "Connection: close" when !r->keep_alive, "Connection: keep-alive" for
// an HTTP/1.0 request kept alive.
void BeginHead(const Context& ctx, unsigned version, std::string_view content_type, Reply* r);

// Ends the head with the empty line.
void EndHead(Reply* r);

}  // namespace banner
