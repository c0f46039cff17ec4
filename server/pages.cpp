#include "pages.h"

#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <string>

#include "choice.h"
#include "cookies.h"
#include "event_log.h"
#include "images.h"
#include "index_format.h"
#include "index_holder.h"
#include "index_reader.h"
#include "json.h"
#include "page_layout.h"
#include "response_head.h"

namespace banner {

namespace {

// The "/" page lists at most this many campaigns (the rest are counted).
constexpr size_t kMaxListedCampaigns = 2000;

// {"error":"...","status":N without the closing brace.
void AppendJsonErrorStart(int status, std::string_view message, std::string* out) {
  out->append("{\"error\":");
  AppendJsonString(out, message);
  out->append(",\"status\":");
  AppendUint(out, static_cast<uint64_t>(status));
}

// A rule name that may wrap after its underscores on a narrow screen.
void AppendBreakableName(std::string* out, std::string_view name) {
  for (const char c : name) {
    out->push_back(c);
    if (c == '_') out->append("<wbr>");
  }
}

// The smallest transparent GIF (1x1, 43 bytes), the classic tracking pixel.
constexpr unsigned char kPixelGif[] = {
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
    0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02,
    0x02, 0x44, 0x01, 0x00, 0x3b};

// A person looking at the answer: neither a HEAD nor a browser's prefetch.
bool IsView(const Request& req) { return req.method == "GET" && !req.prefetch; }

void RecordEvent(const Context& ctx, EventKind kind, uint64_t campaign_id, uint64_t banner_id) {
  Event e;
  e.served_unix = ctx.now_unix;
  e.campaign_id = campaign_id;
  e.banner_id = banner_id;
  e.kind = kind;
  e.quarter = static_cast<uint8_t>(ctx.quarter);
  if (kind == EventKind::kClick) e.click_id = ctx.events->NextClickId(ctx.now_unix);
  ctx.events->Record(e);
}

// "/click/7/70"-style paths of an event route.
void AppendEventPath(std::string* out, std::string_view prefix, uint64_t campaign_id, uint64_t banner_id,
                     std::string_view suffix) {
  out->append(prefix);
  AppendUint(out, campaign_id);
  out->push_back('/');
  AppendUint(out, banner_id);
  out->append(suffix);
}

// --click-target with its placeholders replaced. The ids are decimal digits,
// which URL-encoding leaves as they are.
void AppendClickTarget(std::string* out, std::string_view target, uint64_t campaign_id, uint64_t banner_id) {
  constexpr std::string_view kCampaign = "{campaign_id}";
  constexpr std::string_view kBanner = "{banner_id}";
  while (!target.empty()) {
    if (target.starts_with(kCampaign)) {
      AppendUint(out, campaign_id);
      target.remove_prefix(kCampaign.size());
    } else if (target.starts_with(kBanner)) {
      AppendUint(out, banner_id);
      target.remove_prefix(kBanner.size());
    } else {
      out->push_back(target.front());
      target.remove_prefix(1);
    }
  }
}

bool OnList(const CampaignList& list, uint64_t banner_id) {
  for (size_t j = 0; j < list.size(); ++j) {
    if (list.banner_id(j) == banner_id) return true;
  }
  return false;
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
  BeginHead(ctx, req.version, kJsonType, r);
  r->head.append(kNoStoreHeader);
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
  const size_t pick = ChooseBanner(list, recent, ctx.rng);
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
    b.append(",\"rule\":\"").append(RuleName(list.rule())).append("\",");
    if (ctx.events != nullptr) {
      AppendEventPath(&b, "\"impression_url\":\"/i/", campaign_id, banner_id, ".gif\",");
      AppendEventPath(&b, "\"click_url\":\"/click/", campaign_id, banner_id, "\",");
    }
    b.append("\"banners\":");
    AppendBannersJson(&b, list);
    b.append("}\n");
    BeginHead(ctx, req.version, kJsonType, r);
  } else {
    char title[40] = "Campaign ";
    auto t = std::to_chars(title + 9, title + sizeof title, campaign_id);
    const std::string_view title_text(title, static_cast<size_t>(t.ptr - title));
    PageStart(&b, title_text);
    b.append("<h1>").append(title_text).append("</h1>");
    if (ctx.events != nullptr) AppendEventPath(&b, "<a href=\"/click/", campaign_id, banner_id, "\">");
    b.append("<img src=\"/images/");
    AppendUint(&b, banner_id);
    b.append("\" alt=\"Banner ");
    AppendUint(&b, banner_id);
    b.append("\">");
    if (ctx.events != nullptr) {
      b.append("</a>");
      if (IsView(req)) RecordEvent(ctx, EventKind::kImpression, campaign_id, banner_id);
    }
    b.append("<p class=\"meta\">Banner ");
    AppendUint(&b, banner_id);
    b.append(" of campaign ");
    AppendUint(&b, campaign_id);
    b.append(", one of ");
    AppendUint(&b, list.size());
    b.append(" in quarter ");
    AppendUint(&b, static_cast<uint64_t>(ctx.quarter));
    b.append(" (").append(RuleName(list.rule())).append(").</p><p><a href=\"/campaigns/");
    AppendUint(&b, campaign_id);
    b.append("\">Show another banner</a> &middot; <a href=\"/campaigns/");
    AppendUint(&b, campaign_id);
    b.append("/why\">Why this banner?</a> &middot; <a href=\"/\">All campaigns</a></p>");
    PageEnd(&b);
    BeginHead(ctx, req.version, kHtmlType, r);
  }
  r->head.append(kNoStoreHeader);
  AppendRecentBannersCookie(recent, campaign_id, banner_id, &r->head);
  AppendExpireLegacyCookies(req.cookies, req.cookie_count, &r->head);
  EndHead(r);
}

void RenderRootPage(const Context& ctx, unsigned version, Reply* r) {
  std::string& b = r->body;
  PageStart(&b, "Banners", kTableStyle);
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
  b.append(")</h2><p class=\"meta\">The rule follows from X, the number of converted banners; "
           "it links to why the campaign shows what it shows.</p>"
           "<table><thead><tr><th scope=\"col\">Campaign</th><th scope=\"col\">Rule</th>"
           "<th scope=\"col\" class=\"n\">X</th><th scope=\"col\" class=\"n\">Banners</th></tr></thead><tbody>");
  const size_t shown = count < kMaxListedCampaigns ? count : kMaxListedCampaigns;
  for (size_t i = 0; i < shown; ++i) {
    const CampaignList list = index.campaign_at(ctx.quarter, i);
    b.append("<tr><td class=\"w\"><a href=\"/campaigns/");
    AppendUint(&b, list.campaign_id());
    b.append("\">");
    AppendUint(&b, list.campaign_id());
    b.append("</a></td><td><a href=\"/campaigns/");
    AppendUint(&b, list.campaign_id());
    b.append("/why\">");
    AppendBreakableName(&b, RuleName(list.rule()));
    b.append("</a></td><td class=\"n\">");
    AppendUint(&b, list.x());
    b.append("</td><td class=\"n\">");
    AppendUint(&b, list.size());
    b.append("</td></tr>");
  }
  b.append("</tbody></table>");
  if (shown < count) {
    b.append("<p class=\"meta\">and ");
    AppendUint(&b, count - shown);
    b.append(" more.</p>");
  }
  b.append("<p class=\"meta\">Index generation ");
  AppendUint(&b, ctx.snapshot->generation);
  b.append(" &middot; <a href=\"/metrics\">metrics</a></p>");
  PageEnd(&b);
  BeginHead(ctx, version, kHtmlType, r);
  r->head.append(kNoStoreHeader);
  EndHead(r);
}

void RenderEvent(const Request& req, const Context& ctx, uint64_t campaign_id, uint64_t banner_id, bool click,
                 Reply* r) {
  CampaignList list;
  if (!ctx.snapshot->index->Find(ctx.quarter, campaign_id, &list) || !OnList(list, banner_id)) {
    char text[112];
    const int n = std::snprintf(text, sizeof text, "Banner %" PRIu64 " is not on campaign %" PRIu64
                                "'s list in quarter %d.", banner_id, campaign_id, ctx.quarter);
    return RenderErrorPage(404, std::string_view(text, static_cast<size_t>(n)), ctx, req.version, r);
  }
  if (IsView(req)) RecordEvent(ctx, click ? EventKind::kClick : EventKind::kImpression, campaign_id, banner_id);
  if (!click) {
    r->external = std::string_view(reinterpret_cast<const char*>(kPixelGif), sizeof kPixelGif);
    BeginHead(ctx, req.version, "image/gif", r);
  } else if (ctx.click_target.empty()) {
    PageStart(&r->body, "Thanks");
    r->body.append("<h1>Thanks</h1><p>Your click on banner ");
    AppendUint(&r->body, banner_id);
    r->body.append(" of campaign ");
    AppendUint(&r->body, campaign_id);
    r->body.append(" was counted.</p><p><a href=\"/\">Back to the campaigns</a></p>");
    PageEnd(&r->body);
    BeginHead(ctx, req.version, kHtmlType, r);
  } else {
    r->status = 302;
    // The target is not repeated in the body: it would need HTML escaping.
    r->body.append("<!doctype html><p>Redirecting to the advertiser.</p>\n");
    BeginHead(ctx, req.version, kHtmlType, r);
    r->head.append("Location: ");
    AppendClickTarget(&r->head, ctx.click_target, campaign_id, banner_id);
    r->head.append("\r\n");
  }
  r->head.append(kNoStoreHeader);
  EndHead(r);
}

void RenderCampaignRedirect(uint64_t campaign_id, const Context& ctx, unsigned version, Reply* r) {
  r->status = 302;
  r->body.append("<!doctype html><a href=\"/campaigns/");
  AppendUint(&r->body, campaign_id);
  r->body.append("\">Campaign ");
  AppendUint(&r->body, campaign_id);
  r->body.append("</a>\n");
  BeginHead(ctx, version, kHtmlType, r);
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
  r->head.append(kNoStoreHeader);
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
  r->head.append(kNoStoreHeader);
  EndHead(r);
}

void RenderMetrics(const Context& ctx, unsigned version, Reply* r) {
  if (ctx.metrics != nullptr) ctx.metrics->Render(ctx.snapshot, ctx.now_unix, &r->body);
  BeginHead(ctx, version, "text/plain; version=0.0.4; charset=utf-8", r);
  r->head.append(kNoStoreHeader);
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
  r->body.append("</p><p><a href=\"/\">Back to the campaigns</a></p>");
  PageEnd(&r->body);
  BeginHead(ctx, version, kHtmlType, r);
  r->head.append(extra_headers);
  r->head.append(kNoStoreHeader);
  EndHead(r);
}

void RenderJsonError(int status, std::string_view message, const Context& ctx, unsigned version, Reply* r,
                     std::string_view extra_headers) {
  r->status = status;
  r->body.clear();
  r->external = {};
  AppendJsonErrorStart(status, message, &r->body);
  r->body.append("}\n");
  BeginHead(ctx, version, kJsonType, r);
  r->head.append(extra_headers);
  r->head.append(kNoStoreHeader);
  EndHead(r);
}

}  // namespace banner
