#include "handler.h"

#include <charconv>
#include <ctime>

#include "id.h"
#include "index_format.h"
#include "index_reader.h"
#include "json.h"
#include "images.h"
#include "index_holder.h"
#include "rng.h"

namespace banner {

namespace {

// The "/" page lists at most this many campaigns (the rest are counted).
constexpr size_t kMaxListedCampaigns = 2000;
// Last-banner cookies live a day: long enough for "never twice in a row",
// short enough that a visitor of many campaigns doesn't pile up a Cookie
// header near --header-limit. The value is only a hint, never trusted.
constexpr std::string_view kCookieAttributes = "; Path=/; Max-Age=86400; SameSite=Lax; HttpOnly\r\n";

constexpr std::string_view kPageStart =
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>";
constexpr std::string_view kPageStyle =
    "</title><style>"
    "body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f3f4f6;color:#1f2937}"
    "main{max-width:760px;margin:3rem auto;padding:2rem 2.5rem;background:#fff;border-radius:12px;"
    "box-shadow:0 4px 18px rgba(0,0,0,.08)}"
    "h1{margin-top:0}a{color:#1d4ed8}.meta{color:#6b7280;font-size:.9rem}"
    "img{display:block;max-width:100%;height:auto;margin:1.5rem auto;border-radius:8px}"
    "input,button{font-size:1rem;padding:.45rem .7rem}"
    "ul.campaigns{columns:5 6rem;list-style:none;padding:0}ul.campaigns li{overflow-wrap:anywhere}"
    "</style></head><body><main>";
constexpr std::string_view kPageEnd = "</main></body></html>\n";

std::string_view StatusLine(int status) {
  switch (status) {
    case 200: return "HTTP/1.1 200 OK\r\n";
    case 302: return "HTTP/1.1 302 Found\r\n";
    case 400: return "HTTP/1.1 400 Bad Request\r\n";
    case 404: return "HTTP/1.1 404 Not Found\r\n";
    case 405: return "HTTP/1.1 405 Method Not Allowed\r\n";
    case 413: return "HTTP/1.1 413 Content Too Large\r\n";
    case 431: return "HTTP/1.1 431 Request Header Fields Too Large\r\n";
    default: return "HTTP/1.1 500 Internal Server Error\r\n";
  }
}

std::string_view StatusTitle(int status) {
  std::string_view line = StatusLine(status);
  return line.substr(9, line.size() - 11);  // "404 Not Found"
}

// Status line and the headers every response has; the caller appends its own
// extra headers and then EndHead().
void BeginHead(Reply* r, const Context& ctx, unsigned version, std::string_view content_type) {
  const size_t length = r->external.empty() ? r->body.size() : r->external.size();
  std::string& h = r->head;
  h.append(StatusLine(r->status));
  h.append("Server: bannerd\r\n");
  if (!ctx.date.empty()) h.append("Date: ").append(ctx.date).append("\r\n");
  h.append("Content-Type: ").append(content_type).append("\r\nContent-Length: ");
  AppendUint(&h, length);
  h.append("\r\n");
  if (!r->keep_alive) {
    h.append("Connection: close\r\n");
  } else if (version == 10) {
    h.append("Connection: keep-alive\r\n");
  }
}

void EndHead(Reply* r) { r->head.append("\r\n"); }

void PageStart(std::string* out, std::string_view title) {
  out->append(kPageStart).append(title).append(kPageStyle);
}

void ErrorPage(Reply* r, const Context& ctx, unsigned version, int status, std::string_view message,
               std::string_view extra_headers = {}) {
  r->status = status;
  r->body.clear();
  r->external = {};
  const std::string_view title = StatusTitle(status);
  PageStart(&r->body, title);
  r->body.append("<h1>").append(title).append("</h1><p>").append(message);
  r->body.append("</p><p><a href=\"/\">Back to the campaigns</a></p>").append(kPageEnd);
  BeginHead(r, ctx, version, "text/html; charset=utf-8");
  r->head.append(extra_headers);
  r->head.append("Cache-Control: no-store\r\n");
  EndHead(r);
}

// "b7": the cookie that remembers campaign 7's last banner.
std::string_view CookieName(uint64_t campaign_id, char (&buf)[24]) {
  buf[0] = 'b';
  auto r = std::to_chars(buf + 1, buf + sizeof buf, campaign_id);
  return std::string_view(buf, static_cast<size_t>(r.ptr - buf));
}

// Uniform among the list minus the visitor's last banner (when it is on a
// list of at least two).
size_t Choose(const CampaignList& list, const Request& req, Rng* rng) {
  const size_t n = list.size();
  if (n <= 1) return 0;
  char name_buf[24];
  uint64_t last = 0;
  if (FindIdCookie(req.cookies, req.cookie_count, CookieName(list.campaign_id(), name_buf), &last)) {
    for (size_t j = 0; j < n; ++j) {
      if (list.banner_id(j) == last) {
        const size_t r = static_cast<size_t>(rng->Below(n - 1));
        return r >= j ? r + 1 : r;
      }
    }
  }
  return static_cast<size_t>(rng->Below(n));
}

void AppendSetCookie(Reply* r, uint64_t campaign_id, uint64_t banner_id) {
  char name_buf[24];
  r->head.append("Set-Cookie: ").append(CookieName(campaign_id, name_buf)).append("=");
  AppendUint(&r->head, banner_id);
  r->head.append(kCookieAttributes);
}

void ServeCampaign(const Request& req, const Context& ctx, uint64_t campaign_id, bool json, Reply* r) {
  CampaignList list;
  if (!ctx.snapshot->index->Find(ctx.quarter, campaign_id, &list) || list.size() == 0) {
    if (json) {
      r->status = 404;
      r->body.append("{\"error\":\"unknown campaign\",\"campaign_id\":");
      AppendUint(&r->body, campaign_id);
      r->body.append(",\"quarter\":");
      AppendUint(&r->body, static_cast<uint64_t>(ctx.quarter));
      r->body.append("}\n");
      BeginHead(r, ctx, req.version, "application/json");
      r->head.append("Cache-Control: no-store\r\n");
      EndHead(r);
      return;
    }
    std::string message = "There is no campaign ";
    AppendUint(&message, campaign_id);
    message.append(" in quarter ");
    AppendUint(&message, static_cast<uint64_t>(ctx.quarter));
    message.append(".");
    ErrorPage(r, ctx, req.version, 404, message);
    return;
  }
  const size_t pick = Choose(list, req, ctx.rng);
  const uint64_t banner_id = list.banner_id(pick);
  std::string& b = r->body;
  if (json) {
    b.append("{\"campaign_id\":");
    AppendUint(&b, campaign_id);
    b.append(",\"quarter\":");
    AppendUint(&b, static_cast<uint64_t>(ctx.quarter));
    b.append(",\"banner_id\":");
    AppendUint(&b, banner_id);
    b.append(",\"x\":");
    AppendUint(&b, list.x());
    b.append(",\"rule\":\"").append(RuleName(list.rule())).append("\",\"banners\":");
    AppendBannersJson(&b, list);
    b.append("}\n");
    BeginHead(r, ctx, req.version, "application/json");
  } else {
    char title[40] = "Campaign ";
    auto t = std::to_chars(title + 9, title + sizeof title, campaign_id);
    const std::string_view title_text(title, static_cast<size_t>(t.ptr - title));
    PageStart(&b, title_text);
    b.append("<h1>").append(title_text).append("</h1><img src=\"/images/");
    AppendUint(&b, banner_id);
    b.append("\" alt=\"Banner ");
    AppendUint(&b, banner_id);
    b.append("\"><p class=\"meta\">Banner ");
    AppendUint(&b, banner_id);
    b.append(" of campaign ");
    AppendUint(&b, campaign_id);
    b.append(", one of ");
    AppendUint(&b, list.size());
    b.append(" in quarter ");
    AppendUint(&b, static_cast<uint64_t>(ctx.quarter));
    b.append(" (").append(RuleName(list.rule())).append(").</p><p><a href=\"/campaigns/");
    AppendUint(&b, campaign_id);
    b.append("\">Show another banner</a> &middot; <a href=\"/\">All campaigns</a></p>").append(kPageEnd);
    BeginHead(r, ctx, req.version, "text/html; charset=utf-8");
  }
  r->head.append("Cache-Control: no-store\r\n");
  AppendSetCookie(r, campaign_id, banner_id);
  EndHead(r);
}

void ServeRoot(const Request& req, const Context& ctx, Reply* r) {
  std::string& b = r->body;
  PageStart(&b, "Banners");
  b.append(
      "<h1>Banners</h1><form action=\"/campaigns\" method=\"get\"><label>Campaign id "
      "<input name=\"id\" inputmode=\"numeric\" pattern=\"[0-9]+\" required autofocus></label> "
      "<button type=\"submit\">Show a banner</button></form>");
  const IndexReader& index = *ctx.snapshot->index;
  const size_t count = index.campaign_count(ctx.quarter);
  b.append("<h2>Campaigns in quarter ");
  AppendUint(&b, static_cast<uint64_t>(ctx.quarter));
  b.append(" (");
  AppendUint(&b, count);
  b.append(")</h2><ul class=\"campaigns\">");
  const size_t shown = count < kMaxListedCampaigns ? count : kMaxListedCampaigns;
  for (size_t i = 0; i < shown; ++i) {
    const uint64_t id = index.campaign_at(ctx.quarter, i).campaign_id();
    b.append("<li><a href=\"/campaigns/");
    AppendUint(&b, id);
    b.append("\">");
    AppendUint(&b, id);
    b.append("</a></li>");
  }
  b.append("</ul>");
  if (shown < count) {
    b.append("<p class=\"meta\">and ");
    AppendUint(&b, count - shown);
    b.append(" more.</p>");
  }
  b.append("<p class=\"meta\">Index generation ");
  AppendUint(&b, ctx.snapshot->generation);
  b.append(" &middot; <a href=\"/metrics\">metrics</a></p>").append(kPageEnd);
  BeginHead(r, ctx, req.version, "text/html; charset=utf-8");
  r->head.append("Cache-Control: no-store\r\n");
  EndHead(r);
}

// The value of `key` in an application/x-www-form-urlencoded query, raw.
bool QueryParam(std::string_view query, std::string_view key, std::string_view* value) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == key) {
      *value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
      return true;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return false;
}

}  // namespace

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

void RenderError(int status, const Context& context, Reply* reply) {
  reply->Clear();
  reply->keep_alive = false;
  reply->route = Route::kBadRequest;
  std::string_view message = "The request could not be understood.";
  switch (status) {
    case 413: message = "The request body is too large."; break;
    case 431: message = "The request's header fields are too large."; break;
    default: break;
  }
  ErrorPage(reply, context, 11, status, message);
}

void Handle(const Request& req, const Context& ctx, Reply* r) {
  r->Clear();
  r->keep_alive = req.keep_alive && !ctx.closing;

  // Absolute-form targets ("http://host/path") are routed by their path.
  std::string_view target = req.target;
  if (target.starts_with("http://") || target.starts_with("https://")) {
    const size_t authority = target.find("//") + 2;
    const size_t slash = target.find('/', authority);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  const size_t qpos = target.find_first_of("?#");
  const std::string_view path = target.substr(0, qpos);
  std::string_view query;
  if (qpos != std::string_view::npos && target[qpos] == '?') {
    query = target.substr(qpos + 1);
    query = query.substr(0, query.find('#'));
  }

  constexpr std::string_view kCampaigns = "/campaigns/";
  constexpr std::string_view kApi = "/api/campaigns/";
  constexpr std::string_view kImages = "/images/";
  std::string_view arg;
  if (path == "/") {
    r->route = Route::kRoot;
  } else if (path.starts_with(kCampaigns)) {
    r->route = Route::kCampaignPage;
    arg = path.substr(kCampaigns.size());
  } else if (path.starts_with(kApi)) {
    r->route = Route::kCampaignApi;
    arg = path.substr(kApi.size());
  } else if (path.starts_with(kImages)) {
    r->route = Route::kImage;
    arg = path.substr(kImages.size());
  } else if (path == "/campaigns") {
    r->route = Route::kCampaignForm;
  } else if (path == "/healthz") {
    r->route = Route::kHealthz;
  } else if (path == "/metrics") {
    r->route = Route::kMetrics;
  } else {
    r->route = Route::kNotFound;
  }

  const bool is_head = req.method == "HEAD";
  r->send_body = !is_head;
  if (r->route == Route::kNotFound) {
    ErrorPage(r, ctx, req.version, 404, "There is nothing at this address.");
    return;
  }
  if (!is_head && req.method != "GET") {
    ErrorPage(r, ctx, req.version, 405, "Only GET and HEAD are supported.", "Allow: GET, HEAD\r\n");
    return;
  }

  uint64_t id = 0;
  switch (r->route) {
    case Route::kCampaignPage:
    case Route::kCampaignApi:
      if (!ParseId(arg, &id)) {
        ErrorPage(r, ctx, req.version, 400,
                  "A campaign id is a decimal number from 0 to 9223372036854775807.");
        return;
      }
      ServeCampaign(req, ctx, id, r->route == Route::kCampaignApi, r);
      return;
    case Route::kCampaignForm: {
      std::string_view value;
      if (!QueryParam(query, "id", &value) || !ParseId(value, &id)) {
        ErrorPage(r, ctx, req.version, 400,
                  "A campaign id is a decimal number from 0 to 9223372036854775807.");
        return;
      }
      r->status = 302;
      r->body.append("<!doctype html><a href=\"/campaigns/");
      AppendUint(&r->body, id);
      r->body.append("\">Campaign ");
      AppendUint(&r->body, id);
      r->body.append("</a>\n");
      BeginHead(r, ctx, req.version, "text/html; charset=utf-8");
      r->head.append("Location: /campaigns/");
      AppendUint(&r->head, id);
      r->head.append("\r\n");
      EndHead(r);
      return;
    }
    case Route::kImage: {
      if (!ParseId(arg, &id)) {
        ErrorPage(r, ctx, req.version, 400, "A banner id is a decimal number from 0 to 9223372036854775807.");
        return;
      }
      const std::string_view png = ctx.images != nullptr ? ctx.images->Find(id) : std::string_view();
      std::string_view type = "image/png";
      if (png.empty()) {
        ImageStore::RenderPlaceholder(id, &r->body);
        type = "image/svg+xml";
      } else {
        r->external = png;
      }
      BeginHead(r, ctx, req.version, type);
      r->head.append("Cache-Control: public, max-age=86400\r\nX-Content-Type-Options: nosniff\r\n");
      EndHead(r);
      return;
    }
    case Route::kRoot:
      ServeRoot(req, ctx, r);
      return;
    case Route::kHealthz:
      r->body.append("ok generation=");
      AppendUint(&r->body, ctx.snapshot->generation);
      r->body.append("\n");
      BeginHead(r, ctx, req.version, "text/plain; charset=utf-8");
      r->head.append("Cache-Control: no-store\r\n");
      EndHead(r);
      return;
    case Route::kMetrics:
      if (ctx.metrics != nullptr) ctx.metrics->Render(ctx.snapshot, ctx.now_unix, &r->body);
      BeginHead(r, ctx, req.version, "text/plain; version=0.0.4; charset=utf-8");
      r->head.append("Cache-Control: no-store\r\n");
      EndHead(r);
      return;
    default:
      ErrorPage(r, ctx, req.version, 500, "Unexpected route.");
      return;
  }
}

}  // namespace banner
