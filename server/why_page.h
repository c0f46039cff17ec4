// Why these banners? The explain page for ad-ops (SPEC section 5, issue 16).
//
// GET /campaigns/{id}/why[?quarter=N], HTML, for one quarter (the serving
// one unless N is given, with links to the other three): the rule and X, the
// ranked list with each banner's thumbnail, clicks, revenue (a CSS bar each)
// and how it was chosen (by revenue, by clicks, or by the random fill), the
// banner the visitor's cookie remembers and so which ones the next request
// can pick, and the index it comes from (checksum, when this server loaded
// it, the quarter's input files and their row counts).
//
// GET /api/campaigns/{id}/why, JSON: what `bannerc inspect --json --campaign
// ID` prints, from the same renderer (json.h), plus "current_quarter".
//
// A campaign with no list in any quarter is a 404 (HTML or JSON); one with
// lists in other quarters only gets the page, saying so. Neither sets a
// cookie: explaining is not showing. Like the other pages they allocate
// nothing once the reply's strings have grown.
//
// Thread-safety: touches only its arguments.
#pragma once

#include <cstdint>

#include "exchange.h"

namespace banner {

// REQUIRES: quarter is 0 (the serving quarter, ctx.quarter) or 1..4.
void RenderWhyPage(const Request& req, const Context& ctx, uint64_t campaign_id, int quarter, Reply* r);

void RenderWhyApi(const Request& req, const Context& ctx, uint64_t campaign_id, Reply* r);

}  // namespace banner
