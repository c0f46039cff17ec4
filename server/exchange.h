// One request/response exchange as the handler sees it: the Request (views
// into what the session parsed), the Context it is served in (the snapshot,
// quarter, clock, RNG, ...), and the Reply the handler renders. No sockets,
// no Beast: the session fills a Request from Beast's parser and writes the
// Reply's bytes.
//
// Ownership: Request and Context only point at things the caller owns for the
// duration of one Handle(). Reply owns its strings; the session reuses one
// Reply per connection (cleared, never shrunk: no allocation once the strings
// have grown).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "metrics.h"

namespace banner {

class EventSink;
class ImageStore;
class Rng;
struct IndexSnapshot;

inline constexpr size_t kMaxCookieHeaders = 4;

// Views into the parsed request; valid for the duration of Handle().
struct Request {
  std::string_view method;  // as received: "GET", "HEAD", "POST", ...
  std::string_view target;  // origin-form ("/campaigns/7?x=1") or absolute-form
  std::string_view cookies[kMaxCookieHeaders];  // the Cookie header values
  size_t cookie_count = 0;
  size_t host_count = 1;  // Host header fields received (RFC 9112: exactly one in HTTP/1.1)
  unsigned version = 11;  // 10 or 11
  // What the request asks for (Beast's keep_alive()), and false when the
  // session answers before reading the body (Expect: 100-continue).
  bool keep_alive = true;
  // "Purpose: prefetch" or "Sec-Purpose: prefetch...": a browser fetching
  // ahead, not a person looking; records no event.
  bool prefetch = false;
};

struct Context {
  const IndexSnapshot* snapshot = nullptr;  // never null when serving
  int quarter = 1;                          // 1..4
  Rng* rng = nullptr;
  const ImageStore* images = nullptr;       // may be null: placeholders only
  const MetricsRegistry* metrics = nullptr;  // may be null: /metrics is empty
  int64_t now_unix = 0;
  std::string_view date;  // IMF-fixdate for the Date header, or empty
  bool closing = false;   // server is stopping: answer with Connection: close
  bool draining = false;  // SIGTERM's drain period: /readyz answers 503
  // With --events-dir: the calling I/O thread's sink, and --click-target
  // (empty: a "thanks" page). Null: no event routes, no event links.
  EventSink* events = nullptr;
  std::string_view click_target;
};

// A rendered response. The session writes head, then payload() (empty for
// HEAD).
struct Reply {
  std::string head;
  std::string body;             // rendered body (pages, JSON, SVG, errors)
  std::string_view external;    // a body owned elsewhere (a cached image); wins over `body`
  bool send_body = true;        // false for HEAD
  bool keep_alive = true;       // false: close the connection after writing
  int status = 200;
  Route route = Route::kNotFound;

  std::string_view payload() const {
    if (!send_body) return {};
    return external.empty() ? std::string_view(body) : external;
  }
  void Clear() {
    head.clear();
    body.clear();
    external = {};
    send_body = true;
    keep_alive = true;
    status = 200;
    route = Route::kNotFound;
  }
};

}  // namespace banner
