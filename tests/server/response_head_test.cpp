// The response head, byte for byte: status lines and the common headers.
#include "response_head.h"

#include <string>

#include <doctest/doctest.h>

namespace banner {
namespace {

constexpr std::string_view kDate = "Sun, 06 Nov 1994 08:49:37 GMT";

std::string Head(int status, std::string_view body, bool keep_alive, unsigned version, std::string_view date) {
  Reply r;
  r.status = status;
  r.body = body;
  r.keep_alive = keep_alive;
  Context ctx;
  ctx.date = date;
  BeginHead(ctx, version, "text/plain", &r);
  EndHead(&r);
  return r.head;
}

TEST_CASE("StatusLine and StatusTitle: the statuses bannerd sends, 500 for any other") {
  CHECK(StatusLine(200) == "HTTP/1.1 200 OK\r\n");
  CHECK(StatusLine(302) == "HTTP/1.1 302 Found\r\n");
  CHECK(StatusLine(400) == "HTTP/1.1 400 Bad Request\r\n");
  CHECK(StatusLine(404) == "HTTP/1.1 404 Not Found\r\n");
  CHECK(StatusLine(405) == "HTTP/1.1 405 Method Not Allowed\r\n");
  CHECK(StatusLine(413) == "HTTP/1.1 413 Content Too Large\r\n");
  CHECK(StatusLine(431) == "HTTP/1.1 431 Request Header Fields Too Large\r\n");
  CHECK(StatusLine(503) == "HTTP/1.1 503 Service Unavailable\r\n");
  for (int other : {0, 201, 500, 502, 999}) {
    CAPTURE(other);
    CHECK(StatusLine(other) == "HTTP/1.1 500 Internal Server Error\r\n");
  }
  CHECK(StatusTitle(200) == "200 OK");
  CHECK(StatusTitle(431) == "431 Request Header Fields Too Large");
  CHECK(StatusTitle(503) == "503 Service Unavailable");
  CHECK(StatusTitle(502) == "500 Internal Server Error");
}

TEST_CASE("BeginHead + EndHead: HTTP/1.1 keep-alive needs no Connection header") {
  CHECK(Head(200, "hello", true, 11, kDate) ==
        "HTTP/1.1 200 OK\r\nServer: bannerd\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
        "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\n");
}

TEST_CASE("BeginHead: HTTP/1.0 kept alive says so - a closing reply says close in both versions") {
  CHECK(Head(404, "", true, 10, kDate) ==
        "HTTP/1.1 404 Not Found\r\nServer: bannerd\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
        "Content-Type: text/plain\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n");
  for (unsigned version : {10u, 11u}) {
    CAPTURE(version);
    CHECK(Head(400, "bad", false, version, kDate) ==
          "HTTP/1.1 400 Bad Request\r\nServer: bannerd\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
          "Content-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\n");
  }
}

TEST_CASE("BeginHead: no Date header without a date - Content-Length of an external body") {
  CHECK(Head(200, "hi", true, 11, "") ==
        "HTTP/1.1 200 OK\r\nServer: bannerd\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n");
  Reply r;
  r.body = "ignored";
  r.external = "an image's bytes";
  BeginHead(Context(), 11, "image/png", &r);
  CHECK(r.head.find("Content-Length: 16\r\n") != std::string::npos);
  // Appends: a caller's extra headers come after it, before EndHead.
  r.head.append("X: 1\r\n");
  EndHead(&r);
  CHECK(r.head.ends_with("Content-Length: 16\r\nX: 1\r\n\r\n"));
}

}  // namespace
}  // namespace banner
