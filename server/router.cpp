#include "router.h"

#include "id.h"
#include "index_format.h"
#include "pages.h"
#include "request_target.h"
#include "why_page.h"

namespace banner {

namespace {

constexpr std::string_view kBadCampaignId = "A campaign id is a decimal number from 0 to 9223372036854775807.";
constexpr std::string_view kBadBannerId = "A banner id is a decimal number from 0 to 9223372036854775807.";
constexpr std::string_view kBadQuarter = "A quarter is 1, 2, 3 or 4.";

// The route for `path`; *arg is what follows a route's prefix ("7" in
// "/campaigns/7").
Route RouteOf(std::string_view path, bool events, std::string_view* arg) {
  constexpr std::string_view kCampaigns = "/campaigns/";
  constexpr std::string_view kClick = "/click/";
  constexpr std::string_view kBeacon = "/i/";
  constexpr std::string_view kApi = "/api/campaigns/";
  constexpr std::string_view kImages = "/images/";
  constexpr std::string_view kWhy = "/why";
  if (path == "/") return Route::kRoot;
  if (path.starts_with(kCampaigns) || path.starts_with(kApi)) {
    const bool api = path.starts_with(kApi);
    *arg = path.substr(api ? kApi.size() : kCampaigns.size());
    const bool why = arg->ends_with(kWhy);
    if (why) arg->remove_suffix(kWhy.size());
    if (api) return why ? Route::kWhyApi : Route::kCampaignApi;
    return why ? Route::kWhyPage : Route::kCampaignPage;
  }
  if (path.starts_with(kImages)) {
    *arg = path.substr(kImages.size());
    return Route::kImage;
  }
  if (events && path.starts_with(kClick)) {
    *arg = path.substr(kClick.size());
    return Route::kClick;
  }
  if (events && path.starts_with(kBeacon) && path.ends_with(".gif")) {
    *arg = path.substr(kBeacon.size(), path.size() - kBeacon.size() - 4);
    return Route::kBeacon;
  }
  if (path == "/campaigns") return Route::kCampaignForm;
  if (path == "/healthz") return Route::kHealthz;
  if (path == "/readyz") return Route::kReadyz;
  if (path == "/metrics") return Route::kMetrics;
  return Route::kNotFound;
}

// "{campaign_id}/{banner_id}"
bool ParseIdPair(std::string_view arg, uint64_t* campaign_id, uint64_t* banner_id) {
  const size_t slash = arg.find('/');
  return slash != std::string_view::npos && ParseId(arg.substr(0, slash), campaign_id) &&
         ParseId(arg.substr(slash + 1), banner_id);
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

// Every answer under /api/ is JSON, errors included (SPEC section 5).
bool IsApiPath(std::string_view path) { return path == "/api" || path.starts_with("/api/"); }

void RenderFailure(bool api, int status, std::string_view message, const Context& ctx, unsigned version, Reply* r,
                   std::string_view extra_headers = {}) {
  if (api) return RenderJsonError(status, message, ctx, version, r, extra_headers);
  RenderErrorPage(status, message, ctx, version, r, extra_headers);
}

}  // namespace

void RenderError(int status, std::string_view target, const Context& context, Reply* reply) {
  reply->Clear();
  reply->keep_alive = false;
  reply->route = Route::kBadRequest;
  std::string_view message = "The request could not be understood.";
  switch (status) {
    case 413: message = "The request body is too large."; break;
    case 431: message = "The request's header fields are too large."; break;
    default: break;
  }
  RenderFailure(IsApiPath(SplitTarget(target).path), status, message, context, 11, reply);
}

void Handle(const Request& req, const Context& ctx, Reply* r) {
  r->Clear();
  r->keep_alive = req.keep_alive && !ctx.closing;
  r->send_body = req.method != "HEAD";
  const Target target = SplitTarget(req.target);
  char buffer[kMaxDecodedPath];
  std::string_view path;
  const PathDecoding decoding = DecodePath(target.path, buffer, &path);
  const bool api = IsApiPath(decoding == PathDecoding::kOk ? path : target.path);

  // RFC 9112 section 3.2: exactly one Host in HTTP/1.1, at most one before.
  if (req.host_count > 1 || (req.host_count == 0 && req.version >= 11)) {
    r->route = Route::kBadRequest;
    r->keep_alive = false;
    return RenderFailure(api, 400, "An HTTP/1.1 request needs exactly one Host header field.", ctx, req.version, r);
  }
  if (decoding == PathDecoding::kBadEscape) {
    r->route = Route::kBadRequest;
    return RenderFailure(api, 400, "The path has a '%' that is not followed by two hex digits.", ctx, req.version, r);
  }
  std::string_view arg;
  r->route = decoding == PathDecoding::kOk ? RouteOf(path, ctx.events != nullptr, &arg) : Route::kNotFound;
  if (r->route == Route::kNotFound) {
    return RenderFailure(api, 404, "There is nothing at this address.", ctx, req.version, r);
  }
  if (r->send_body && req.method != "GET") {
    return RenderFailure(api, 405, "Only GET and HEAD are supported.", ctx, req.version, r, "Allow: GET, HEAD\r\n");
  }

  uint64_t id = 0;
  uint64_t banner_id = 0;
  switch (r->route) {
    case Route::kClick:
    case Route::kBeacon:
      if (!ParseIdPair(arg, &id, &banner_id)) {
        return RenderErrorPage(400, "Expected /click/{campaign_id}/{banner_id} or /i/{campaign_id}/{banner_id}.gif, "
                                    "both decimal numbers.", ctx, req.version, r);
      }
      return RenderEvent(req, ctx, id, banner_id, r->route == Route::kClick, r);
    case Route::kCampaignPage:
    case Route::kCampaignApi:
      if (!ParseId(arg, &id)) return RenderFailure(api, 400, kBadCampaignId, ctx, req.version, r);
      return RenderCampaign(req, ctx, id, r->route == Route::kCampaignApi, r);
    case Route::kWhyPage:
    case Route::kWhyApi: {
      if (!ParseId(arg, &id)) return RenderFailure(api, 400, kBadCampaignId, ctx, req.version, r);
      if (r->route == Route::kWhyApi) return RenderWhyApi(req, ctx, id, r);
      std::string_view value;
      uint64_t quarter = 0;
      if (QueryParam(target.query, "quarter", &value) && (!ParseId(value, &quarter) || quarter < 1 ||
                                                          quarter > static_cast<uint64_t>(kQuarters))) {
        return RenderErrorPage(400, kBadQuarter, ctx, req.version, r);
      }
      return RenderWhyPage(req, ctx, id, static_cast<int>(quarter), r);
    }
    case Route::kCampaignForm: {
      std::string_view value;
      if (!QueryParam(target.query, "id", &value) || !ParseId(value, &id)) {
        return RenderErrorPage(400, kBadCampaignId, ctx, req.version, r);
      }
      return RenderCampaignRedirect(id, ctx, req.version, r);
    }
    case Route::kImage:
      if (!ParseId(arg, &id)) return RenderErrorPage(400, kBadBannerId, ctx, req.version, r);
      return RenderImage(id, ctx, req.version, r);
    case Route::kRoot:
      return RenderRootPage(ctx, req.version, r);
    case Route::kHealthz:
      return RenderHealth(ctx, req.version, r);
    case Route::kReadyz:
      return RenderReady(ctx, req.version, r);
    case Route::kMetrics:
      return RenderMetrics(ctx, req.version, r);
    default:
      return RenderErrorPage(500, "Unexpected route.", ctx, req.version, r);
  }
}

}  // namespace banner
