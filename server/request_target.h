// The request target as the router reads it (RFC 9112 section 3.2, RFC 3986
// section 6.2.2.2): the path and query of an origin-form or absolute-form
// target, and the path with its percent-encoded unreserved characters
// decoded ("/campaigns/%33" is "/campaigns/3").
//
// Only unreserved characters (ALPHA, DIGIT, '-', '.', '_', '~') are decoded:
// any other escape, "%2F" included, stays as it is, so an encoded '/' never
// becomes a path separator and no route matches it.
//
// Thread-safety: pure functions of their arguments; no allocation.
#pragma once

#include <cstddef>
#include <string_view>

namespace banner {

struct Target {
  std::string_view path;
  std::string_view query;  // without the '?' and any fragment
};

// Absolute-form targets ("http://host/path") give their path ("/" if none).
Target SplitTarget(std::string_view target);

// Longest path DecodePath decodes; no route is anywhere near it.
inline constexpr size_t kMaxDecodedPath = 512;

enum class PathDecoding {
  kOk,         // *decoded is the normalised path
  kBadEscape,  // a '%' not followed by two hex digits
  kTooLong,    // a path with escapes longer than kMaxDecodedPath
};

// Sets *decoded to `path` with its percent-encoded unreserved characters
// decoded: `path` itself when it has no '%', else a view into `buffer`.
PathDecoding DecodePath(std::string_view path, char (&buffer)[kMaxDecodedPath], std::string_view* decoded);

}  // namespace banner
