#include "decimal_option.h"

#include <algorithm>
#include <charconv>
#include <string>

namespace banner {

CLI::Validator DecimalRange(uint64_t min, uint64_t max) {
  const std::string range = std::to_string(min) + " to " + std::to_string(max);
  auto check = [min, max, range](std::string& text) -> std::string {
    const bool digits =
        !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) return "'" + text + "' is not a decimal whole number; allowed: " + range;
    uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || value < min || value > max) return text + " is out of range; allowed: " + range;
    text = std::to_string(value);
    return "";
  };
  return CLI::Validator(check, "[" + std::to_string(min) + " - " + std::to_string(max) + "]", "DECIMAL " + range);
}

}  // namespace banner
