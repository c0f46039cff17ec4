#include "cookies.h"

#include <array>
#include <cstring>

#include "id.h"

namespace banner {

namespace {

// The recent-banners cookie lives a day: long enough for "never twice in a
// row", and it is rewritten on every campaign page anyway.
constexpr std::string_view kCookieAttributes = "; Path=/; Max-Age=86400; SameSite=Lax; HttpOnly\r\n";
constexpr std::string_view kExpireAttributes = "=; Path=/; Max-Age=0\r\n";

constexpr std::string_view kDigits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
constexpr size_t kMaxDigits = 11;  // 64^11 > 2^63

// The value of each base-64 digit, -1 for other bytes.
constexpr std::array<int8_t, 256> kDigitValue = [] {
  std::array<int8_t, 256> table{};
  table.fill(-1);
  for (size_t i = 0; i < kDigits.size(); ++i) {
    table[static_cast<unsigned char>(kDigits[i])] = static_cast<int8_t>(i);
  }
  return table;
}();

int DigitValue(char c) { return kDigitValue[static_cast<unsigned char>(c)]; }

// The end of the id that starts at p if it is one as EncodeId writes it: 1
// to 11 digits, no leading zero, at most 2^63-1 (11 digits hold 66 bits: the
// first must be below 8); else nullptr. Checking the text this way lets
// entries be compared and copied without decoding them.
const char* ScanId(const char* p, const char* end) {
  const char* const start = p;
  while (p < end && DigitValue(*p) >= 0) ++p;
  const size_t n = static_cast<size_t>(p - start);
  if (n == 0 || n > kMaxDigits || (n > 1 && *start == '0') || (n == kMaxDigits && DigitValue(*start) > 7)) {
    return nullptr;
  }
  return p;
}

// REQUIRES: `text` passed ScanId.
uint64_t DecodeId(std::string_view text) {
  uint64_t v = 0;
  for (const char c : text) v = (v << 6) | static_cast<uint64_t>(DigitValue(c));
  return v;
}

// Writes `v` at the end of buf; returns its digits.
std::string_view EncodeId(uint64_t v, char (&buf)[kMaxDigits]) {
  size_t n = 0;
  do {
    buf[kMaxDigits - ++n] = kDigits[v & 63];
    v >>= 6;
  } while (v != 0);
  return std::string_view(buf + kMaxDigits - n, n);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Calls visit(name, value) for each "name=value" pair of the Cookie header
// values, trimmed, until it returns false.
template <typename Visit>
void ForEachCookie(const std::string_view* headers, size_t count, Visit visit) {
  for (size_t h = 0; h < count; ++h) {
    std::string_view rest = headers[h];
    while (!rest.empty()) {
      const size_t semi = rest.find(';');
      const std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      const size_t eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (!visit(Trim(pair.substr(0, eq)), Trim(pair.substr(eq + 1)))) return;
    }
  }
}

// Calls visit(entry, campaign, banner) for each well-formed entry of a
// "banners" value ("campaign:banner", both ids as ScanId accepts them, as
// text), in order, until it returns false. One pass over the bytes: garbage
// is skipped up to the next '.'.
template <typename Visit>
void ForEachEntry(std::string_view value, Visit visit) {
  const char* p = value.data();
  const char* const end = p + value.size();
  while (p < end) {
    const char* const begin = p;
    const char* const colon = ScanId(begin, end);
    const char* const stop = colon != nullptr && colon < end && *colon == ':' ? ScanId(colon + 1, end) : nullptr;
    if (stop != nullptr && (stop == end || *stop == '.')) {
      const std::string_view entry(begin, static_cast<size_t>(stop - begin));
      if (!visit(entry, entry.substr(0, static_cast<size_t>(colon - begin)),
                 entry.substr(static_cast<size_t>(colon - begin) + 1))) {
        return;
      }
      if (stop == end) return;
      p = stop + 1;
      continue;
    }
    const void* dot = std::memchr(begin, '.', static_cast<size_t>(end - begin));
    if (dot == nullptr) return;
    p = static_cast<const char*>(dot) + 1;
  }
}

}  // namespace

std::string_view FindCookie(const std::string_view* headers, size_t count, std::string_view name) {
  std::string_view found;
  ForEachCookie(headers, count, [&](std::string_view n, std::string_view v) {
    if (n != name) return true;
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    found = v;
    return false;
  });
  return found;
}

bool RecentBanner(std::string_view value, uint64_t campaign_id, uint64_t* banner_id) {
  char buf[kMaxDigits];
  const std::string_view wanted = EncodeId(campaign_id, buf);
  bool found = false;
  ForEachEntry(value, [&](std::string_view, std::string_view campaign, std::string_view banner) {
    if (campaign != wanted) return true;
    *banner_id = DecodeId(banner);
    found = true;
    return false;
  });
  return found;
}

void AppendRecentBannersCookie(std::string_view value, uint64_t campaign_id, uint64_t banner_id,
                               std::string* head) {
  char campaign_buf[kMaxDigits];
  char banner_buf[kMaxDigits];
  const std::string_view shown = EncodeId(campaign_id, campaign_buf);
  head->append("Set-Cookie: ").append(kRecentBannersCookie).append("=");
  const size_t start = head->size();
  head->append(shown).append(":").append(EncodeId(banner_id, banner_buf));
  // Well-formed entries are copied as received (they hold only digits and
  // ':'), each run of adjacent ones at once, separators included.
  size_t size = head->size() - start;
  std::string_view run;
  auto flush = [&] {
    if (!run.empty()) head->append(".").append(run);
  };
  ForEachEntry(value, [&](std::string_view entry, std::string_view campaign, std::string_view) {
    if (campaign == shown) return true;
    if (size + 1 + entry.size() > kRecentBannersMaxBytes) return false;  // the rest is older
    size += 1 + entry.size();
    if (!run.empty() && run.data() + run.size() + 1 == entry.data()) {
      run = std::string_view(run.data(), run.size() + 1 + entry.size());
    } else {
      flush();
      run = entry;
    }
    return true;
  });
  flush();
  head->append(kCookieAttributes);
}

void AppendExpireLegacyCookies(const std::string_view* headers, size_t count, std::string* head) {
  ForEachCookie(headers, count, [&](std::string_view name, std::string_view) {
    uint64_t campaign = 0;
    if (name.size() >= 2 && name.front() == 'b' && ParseId(name.substr(1), &campaign)) {
      head->append("Set-Cookie: ").append(name).append(kExpireAttributes);
    }
    return true;
  });
}

}  // namespace banner
