#include "cookies.h"

#include <charconv>

#include "id.h"
#include "json.h"

namespace banner {

namespace {

// Last-banner cookies live a day: long enough for "never twice in a row",
// short enough that a visitor of many campaigns doesn't pile up a Cookie
// header near --header-limit.
constexpr std::string_view kCookieAttributes = "; Path=/; Max-Age=86400; SameSite=Lax; HttpOnly\r\n";

}  // namespace

std::string_view LastBannerCookieName(uint64_t campaign_id, char (&buf)[24]) {
  buf[0] = 'b';
  auto r = std::to_chars(buf + 1, buf + sizeof buf, campaign_id);
  return std::string_view(buf, static_cast<size_t>(r.ptr - buf));
}

bool FindIdCookie(const std::string_view* headers, size_t count, std::string_view name, uint64_t* value) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  for (size_t h = 0; h < count; ++h) {
    std::string_view rest = headers[h];
    while (!rest.empty()) {
      const size_t semi = rest.find(';');
      const std::string_view pair = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      const size_t eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (trim(pair.substr(0, eq)) != name) continue;
      std::string_view v = trim(pair.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      if (ParseId(v, value)) return true;
    }
  }
  return false;
}

void AppendSetCookie(uint64_t campaign_id, uint64_t banner_id, std::string* head) {
  char name_buf[24];
  head->append("Set-Cookie: ").append(LastBannerCookieName(campaign_id, name_buf)).append("=");
  AppendUint(head, banner_id);
  head->append(kCookieAttributes);
}

}  // namespace banner
