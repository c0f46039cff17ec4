// The request handler: pure routing and rendering, no sockets, no Beast.
//
//   Handle(request view, context {snapshot, quarter, rng, images, ...}) -> reply bytes
//
// The session parses the request with Beast and passes views into its own
// buffers; the handler writes the complete response head and body into the
// session's reusable strings (cleared, never shrunk: no allocation once they
// have grown). Routes and statuses: SPEC section 5.
//
// Thread-safety: Handle() touches only its arguments; the Rng is the calling
// thread's own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "metrics.h"

namespace banner {

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
  unsigned version = 11;  // 10 or 11
  bool keep_alive = true;  // what the request asks for (Beast's keep_alive())
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
};

// A rendered response. The session writes head, then body() unless the
// request was HEAD.
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

// Routes and renders one request. Clears *reply first.
void Handle(const Request& request, const Context& context, Reply* reply);

// A response for a request the session could not parse (400), whose head was
// too large (431) or whose body was (413). Always closes the connection. Clears *reply first.
void RenderError(int status, const Context& context, Reply* reply);

// --- Helpers, shared with images.cpp and exposed for tests. ---

// Finds the cookie named `name` in the Cookie header values; its value must
// parse with ParseId. Returns false for a missing or malformed cookie.
bool FindIdCookie(const std::string_view* headers, size_t count, std::string_view name,
                  uint64_t* value);

// Minute 0-14 -> 1, 15-29 -> 2, 30-44 -> 3, 45-59 -> 4 (UTC).
int QuarterOf(int64_t unix_seconds);

// Writes "Sun, 06 Nov 1994 08:49:37 GMT" (29 bytes) into buf; returns its length.
size_t FormatHttpDate(int64_t unix_seconds, char* buf, size_t size);

}  // namespace banner
