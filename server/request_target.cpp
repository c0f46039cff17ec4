#include "request_target.h"

namespace banner {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

}  // namespace

Target SplitTarget(std::string_view target) {
  if (target.starts_with("http://") || target.starts_with("https://")) {
    const size_t authority = target.find("//") + 2;
    const size_t slash = target.find('/', authority);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  Target t;
  const size_t qpos = target.find_first_of("?#");
  t.path = target.substr(0, qpos);
  if (qpos != std::string_view::npos && target[qpos] == '?') {
    t.query = target.substr(qpos + 1);
    t.query = t.query.substr(0, t.query.find('#'));
  }
  return t;
}

PathDecoding DecodePath(std::string_view path, char (&buffer)[kMaxDecodedPath], std::string_view* decoded) {
  if (path.find('%') == std::string_view::npos) {
    *decoded = path;
    return PathDecoding::kOk;
  }
  if (path.size() > kMaxDecodedPath) return PathDecoding::kTooLong;
  size_t n = 0;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '%') {
      buffer[n++] = path[i];
      continue;
    }
    if (i + 2 >= path.size()) return PathDecoding::kBadEscape;
    const int hi = HexValue(path[i + 1]);
    const int lo = HexValue(path[i + 2]);
    if (hi < 0 || lo < 0) return PathDecoding::kBadEscape;
    const char c = static_cast<char>(hi * 16 + lo);
    if (IsUnreserved(c)) {
      buffer[n++] = c;
    } else {  // reserved or not allowed in a path: stays encoded
      buffer[n++] = '%';
      buffer[n++] = path[i + 1];
      buffer[n++] = path[i + 2];
    }
    i += 2;
  }
  *decoded = std::string_view(buffer, n);
  return PathDecoding::kOk;
}

}  // namespace banner
