#include "core/money.h"

#include <algorithm>

namespace banner {

const char* ParseRevenue(std::string_view text, uint64_t* micros) {
  if (text.empty()) return "empty revenue";
  if (text.front() == '-') return "negative revenue";
  size_t i = 0;
  uint64_t whole = 0;
  size_t whole_digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++whole_digits) {
    // 10^12 has 13 digits; stop accumulating early so `whole` cannot overflow.
    if (whole > kMaxRevenueMicros / kMicrosPerUnit) return "revenue greater than 10^12";
    whole = whole * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  uint64_t fraction = 0;
  size_t fraction_digits = 0;
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++fraction_digits) {
      if (fraction_digits < 6) {
        fraction = fraction * 10 + static_cast<uint64_t>(text[i] - '0');
      } else if (text[i] != '0') {
        return "revenue has more than 6 decimal places";
      }
    }
  }
  if (i != text.size() || whole_digits + fraction_digits == 0) {
    return "revenue is not a finite decimal number";
  }
  for (size_t d = std::min<size_t>(fraction_digits, 6); d < 6; ++d) fraction *= 10;
  if (whole > kMaxRevenueMicros / kMicrosPerUnit) return "revenue greater than 10^12";
  const uint64_t total = whole * kMicrosPerUnit + fraction;
  if (total > kMaxRevenueMicros) return "revenue greater than 10^12";
  *micros = total;
  return nullptr;
}

std::string FormatMicros(Micros micros) {
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(micros % 10)));
    micros /= 10;
  } while (micros != 0);
  while (digits.size() < 7) digits.push_back('0');
  std::reverse(digits.begin(), digits.end());
  digits.insert(digits.size() - 6, 1, '.');
  return digits;
}

}  // namespace banner
