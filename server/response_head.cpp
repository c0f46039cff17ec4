#include "response_head.h"

#include "json.h"

namespace banner {

std::string_view StatusLine(int status) {
  switch (status) {
    case 200: return "HTTP/1.1 200 OK\r\n";
    case 302: return "HTTP/1.1 302 Found\r\n";
    case 400: return "HTTP/1.1 400 Bad Request\r\n";
    case 404: return "HTTP/1.1 404 Not Found\r\n";
    case 405: return "HTTP/1.1 405 Method Not Allowed\r\n";
    case 413: return "HTTP/1.1 413 Content Too Large\r\n";
    case 431: return "HTTP/1.1 431 Request Header Fields Too Large\r\n";
    case 503: return "HTTP/1.1 503 Service Unavailable\r\n";
    default: return "HTTP/1.1 500 Internal Server Error\r\n";
  }
}

std::string_view StatusTitle(int status) {
  std::string_view line = StatusLine(status);
  return line.substr(9, line.size() - 11);  // "404 Not Found"
}

void BeginHead(const Context& ctx, unsigned version, std::string_view content_type, Reply* r) {
  const size_t length = r->external.empty() ? r->body.size() : r->external.size();
  std::string& h = r->head;
  h.append(StatusLine(r->status));
  h.append("Server: bannerd\r\n");
  if (!ctx.date.empty()) h.append("Date: ").append(ctx.date).append("\r\n");
  h.append("Content-Type: ").append(content_type).append("\r\nContent-Length: ");
  AppendUint(&h, length);
  h.append("\r\n");
  if (!r->keep_alive) {
    h.append("Connection: close\r\n");
  } else if (version == 10) {
    h.append("Connection: keep-alive\r\n");
  }
}

void EndHead(Reply* r) { r->head.append("\r\n"); }

}  // namespace banner
