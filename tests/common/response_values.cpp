#include "common/response_values.h"

#include <cstdlib>

namespace banner::test {

double MetricValue(const std::string& exposition, std::string_view prefix) {
  size_t pos = 0;
  while (pos < exposition.size()) {
    const size_t eol = exposition.find('\n', pos);
    const std::string_view line(exposition.data() + pos, (eol == std::string::npos ? exposition.size() : eol) - pos);
    if (line.substr(0, prefix.size()) == prefix) return std::strtod(std::string(line.substr(prefix.size())).c_str(), nullptr);
    if (eol == std::string::npos) break;
    pos = eol + 1;
  }
  return -1;
}

uint64_t ChosenBanner(int status, std::string_view body) {
  constexpr std::string_view kKey = "\"banner_id\":";
  const size_t pos = body.find(kKey);
  if (status != 200 || pos == std::string_view::npos) return UINT64_MAX;
  // strtoull needs a terminated string.
  return std::strtoull(std::string(body.substr(pos + kKey.size())).c_str(), nullptr, 10);
}

}  // namespace banner::test
