#include "log.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "json.h"

namespace banner {

void AppendQuoted(std::string* out, std::string_view value) {
  AppendQuotedString(out, value, QuoteStyle::kLogfmt);
}

void LogEvent(std::string_view level, std::string_view event, std::string_view fields) {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char ts[64];
  std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  std::string line;
  line.reserve(96 + fields.size());
  line.append("ts=").append(ts).append(" level=").append(level).append(" event=").append(event);
  if (!fields.empty()) line.append(" ").append(fields);
  line.push_back('\n');
  // Best effort: a log line that can't be written is dropped on purpose,
  // serving must not depend on stderr.
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) break;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace banner
