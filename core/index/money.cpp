#include "money.h"

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

void AppendMicros(std::string* out, Micros micros) {
  char buf[48];  // 2^128 has 39 digits, plus the point
  char* p = buf + sizeof buf;
  for (int i = 0; i < 6; ++i, micros /= 10) *--p = static_cast<char>('0' + static_cast<int>(micros % 10));
  *--p = '.';
  do {
    *--p = static_cast<char>('0' + static_cast<int>(micros % 10));
    micros /= 10;
  } while (micros != 0);
  out->append(p, static_cast<size_t>(buf + sizeof buf - p));
}

std::string FormatMicros(Micros micros) {
  std::string s;
  AppendMicros(&s, micros);
  return s;
}

}  // namespace banner
