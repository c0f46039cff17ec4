#include "clock.h"

#include <ctime>

namespace banner {

int QuarterOf(int64_t unix_seconds) {
  const int64_t in_hour = ((unix_seconds % 3600) + 3600) % 3600;
  return static_cast<int>(in_hour / 60 / 15) + 1;
}

size_t FormatHttpDate(int64_t unix_seconds, char* buf, size_t size) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return std::strftime(buf, size, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

}  // namespace banner
