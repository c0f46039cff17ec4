#include "pages.h"

#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <string>

#include "cookies.h"
#include "images.h"
#include "index_format.h"
#include "index_holder.h"
#include "index_reader.h"
#include "json.h"
#include "response_head.h"
#include "rng.h"

namespace banner {

namespace {

// The "/" page lists at most this many campaigns (the rest are counted).
constexpr size_t kMaxListedCampaigns = 2000;

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

constexpr std::string_view kHtml = "text/html; charset=utf-8";
constexpr std::string_view kJson = "application/json";
constexpr std::string_view kNoStore = "Cache-Control: no-store\r\n";

// {"error":"...","status":N without the closing brace.
void AppendJsonErrorStart(int status, std::string_view message, std::string* out) {
  out->append("{\"error\":");
  AppendJsonString(out, message);
  out->append(",\"status\":");
  AppendUint(out, static_cast<uint64_t>(status));
}

void PageStart(std::string* out, std::string_view title) {
  out->append(kPageStart).append(title).append(kPageStyle);
}

// Uniform among the list minus the visitor's last banner (when it is on a
// list of at least two); `recent` is the visitor's "banners" cookie.
size_t Choose(const CampaignList& list, std::string_view recent, Rng* rng) {
  const size_t n = list.size();
  if (n <= 1) return 0;
  uint64_t last = 0;
  if (RecentBanner(recent, list.campaign_id(), &last)) {
    for (size_t j = 0; j < n; ++j) {
      if (list.banner_id(j) == last) {
        const size_t r = static_cast<size_t>(rng->Below(n - 1));
        return r >= j ? r + 1 : r;
      }
    }
  }
  return static_cast<size_t>(rng->Below(n));
}

void RenderUnknownCampaign(const Request& req, const Context& ctx, uint64_t campaign_id, bool json, Reply* r) {
  // Written on the stack: an unknown id costs no allocation either.
  char text[64];  // "There is no campaign 9223372036854775807 in quarter 4." fits
  const int n = std::snprintf(text, sizeof text, "There is no campaign %" PRIu64 " in quarter %d.", campaign_id,
                              ctx.quarter);
  const std::string_view message(text, static_cast<size_t>(n));
  if (!json) return RenderErrorPage(404, message, ctx, req.version, r);
  r->status = 404;
  AppendJsonErrorStart(404, message, &r->body);
  r->body.append(",\"campaign_id\":");
  AppendUint(&r->body, campaign_id);
  r->body.append(",\"quarter\":");
  AppendUint(&r->body, static_cast<uint64_t>(ctx.quarter));
  r->body.append("}\n");
  BeginHead(ctx, req.version, kJson, r);
  r->head.append(kNoStore);
  EndHead(r);
}

}  // namespace

void RenderCampaign(const Request& req, const Context& ctx, uint64_t campaign_id, bool json, Reply* r) {
  CampaignList list;
  if (!ctx.snapshot->index->Find(ctx.quarter, campaign_id, &list) || list.size() == 0) {
    RenderUnknownCampaign(req, ctx, campaign_id, json, r);
    return;
  }
  const std::string_view recent = FindCookie(req.cookies, req.cookie_count, kRecentBannersCookie);
  const size_t pick = Choose(list, recent, ctx.rng);
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
    BeginHead(ctx, req.version, kJson, r);
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
    BeginHead(ctx, req.version, kHtml, r);
  }
  r->head.append(kNoStore);
  AppendRecentBannersCookie(recent, campaign_id, banner_id, &r->head);
  AppendExpireLegacyCookies(req.cookies, req.cookie_count, &r->head);
  EndHead(r);
}

void RenderRootPage(const Context& ctx, unsigned version, Reply* r) {
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
  BeginHead(ctx, version, kHtml, r);
  r->head.append(kNoStore);
  EndHead(r);
}

void RenderCampaignRedirect(uint64_t campaign_id, const Context& ctx, unsigned version, Reply* r) {
  r->status = 302;
  r->body.append("<!doctype html><a href=\"/campaigns/");
  AppendUint(&r->body, campaign_id);
  r->body.append("\">Campaign ");
  AppendUint(&r->body, campaign_id);
  r->body.append("</a>\n");
  BeginHead(ctx, version, kHtml, r);
  r->head.append("Location: /campaigns/");
  AppendUint(&r->head, campaign_id);
  r->head.append("\r\n");
  EndHead(r);
}

void RenderImage(uint64_t banner_id, const Context& ctx, unsigned version, Reply* r) {
  const std::string_view png = ctx.images != nullptr ? ctx.images->Find(banner_id) : std::string_view();
  std::string_view type = "image/png";
  if (png.empty()) {
    ImageStore::RenderPlaceholder(banner_id, &r->body);
    type = "image/svg+xml";
  } else {
    r->external = png;
  }
  BeginHead(ctx, version, type, r);
  r->head.append("Cache-Control: public, max-age=86400\r\nX-Content-Type-Options: nosniff\r\n");
  EndHead(r);
}

void RenderHealth(const Context& ctx, unsigned version, Reply* r) {
  r->body.append("ok generation=");
  AppendUint(&r->body, ctx.snapshot->generation);
  r->body.append("\n");
  BeginHead(ctx, version, "text/plain; charset=utf-8", r);
  r->head.append(kNoStore);
  EndHead(r);
}

void RenderReady(const Context& ctx, unsigned version, Reply* r) {
  if (ctx.draining) {
    r->status = 503;
    r->body.append("draining: stopping soon, send requests elsewhere\n");
  } else {
    r->body.append("ready generation=");
    AppendUint(&r->body, ctx.snapshot->generation);
    r->body.append("\n");
  }
  BeginHead(ctx, version, "text/plain; charset=utf-8", r);
  r->head.append(kNoStore);
  EndHead(r);
}

void RenderMetrics(const Context& ctx, unsigned version, Reply* r) {
  if (ctx.metrics != nullptr) ctx.metrics->Render(ctx.snapshot, ctx.now_unix, &r->body);
  BeginHead(ctx, version, "text/plain; version=0.0.4; charset=utf-8", r);
  r->head.append(kNoStore);
  EndHead(r);
}

void RenderErrorPage(int status, std::string_view message, const Context& ctx, unsigned version, Reply* r,
                     std::string_view extra_headers) {
  r->status = status;
  r->body.clear();
  r->external = {};
  const std::string_view title = StatusTitle(status);
  PageStart(&r->body, title);
  r->body.append("<h1>").append(title).append("</h1><p>").append(message);
  r->body.append("</p><p><a href=\"/\">Back to the campaigns</a></p>").append(kPageEnd);
  BeginHead(ctx, version, kHtml, r);
  r->head.append(extra_headers);
  r->head.append(kNoStore);
  EndHead(r);
}

void RenderJsonError(int status, std::string_view message, const Context& ctx, unsigned version, Reply* r,
                     std::string_view extra_headers) {
  r->status = status;
  r->body.clear();
  r->external = {};
  AppendJsonErrorStart(status, message, &r->body);
  r->body.append("}\n");
  BeginHead(ctx, version, kJson, r);
  r->head.append(extra_headers);
  r->head.append(kNoStore);
  EndHead(r);
}

}  // namespace banner
