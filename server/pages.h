// What each route answers, body and head: the HTML pages (their layout:
// page_layout.h; the explain page: why_page.h), the campaign API's JSON, the
// redirect of the campaign form, the images, /healthz, /readyz, /metrics, and
// the HTML error pages (SPEC section 5).
//
// Each Render* function fills an empty *r whose keep_alive and send_body the
// router has already set; `version` is the request's HTTP version (10 or 11).
// Campaign pages and the API pick the banner (never the visitor's last one,
// cookies.h) with ctx.rng.
//
// Thread-safety: touches only its arguments.
#pragma once

#include <cstdint>
#include <string_view>

#include "exchange.h"

namespace banner {

// GET /: the campaign form and the current quarter's campaigns, each with its
// rule (a link to its explain page), X and list length.
void RenderRootPage(const Context& ctx, unsigned version, Reply* r);

// GET /campaigns/{id} (json false) and /api/campaigns/{id} (json true): a
// banner of the campaign's list, or a 404 (HTML or JSON) for a campaign
// without one in this quarter. Sets the visitor's "banners" cookie and
// expires the old per-campaign ones (cookies.h). With ctx.events the page
// records its impression (not for HEAD or a prefetch) and links the banner to
// /click/...; the JSON carries "impression_url" and "click_url" instead (API
// users record their own impressions). The page links to the campaign's
// explain page.
void RenderCampaign(const Request& req, const Context& ctx, uint64_t campaign_id, bool json, Reply* r);

// With --events-dir (ctx.events): GET /click/{campaign}/{banner} (click: true)
// records a click and answers 302 to ctx.click_target ({campaign_id} and
// {banner_id} replaced), or a "thanks" page without one; GET
// /i/{campaign}/{banner}.gif records an impression and answers a 1x1 GIF. A
// pair that is not on the current quarter's list of the current index is a 404
// and records nothing; HEAD and prefetches answer the same but record nothing.
void RenderEvent(const Request& req, const Context& ctx, uint64_t campaign_id, uint64_t banner_id, bool click,
                 Reply* r);

// GET /campaigns?id={id}: 302 to /campaigns/{id}.
void RenderCampaignRedirect(uint64_t campaign_id, const Context& ctx, unsigned version, Reply* r);

// GET /images/{id}: the cached PNG, or an SVG placeholder.
void RenderImage(uint64_t banner_id, const Context& ctx, unsigned version, Reply* r);

// GET /healthz (alive), GET /readyz (200 while serving, 503 during SIGTERM's
// drain period: load balancers, stop sending here) and GET /metrics.
void RenderHealth(const Context& ctx, unsigned version, Reply* r);
void RenderReady(const Context& ctx, unsigned version, Reply* r);
void RenderMetrics(const Context& ctx, unsigned version, Reply* r);

// An HTML error page for `status` saying `message`; extra_headers (CRLF-ended
// lines) go into the head. Replaces any body already rendered.
void RenderErrorPage(int status, std::string_view message, const Context& ctx, unsigned version, Reply* r,
                     std::string_view extra_headers = {});

// The same as JSON, for answers under /api/: {"error":message,"status":status}.
void RenderJsonError(int status, std::string_view message, const Context& ctx, unsigned version, Reply* r,
                     std::string_view extra_headers = {});

}  // namespace banner
