#include "router.h"

#include "cookies.h"
#include "id.h"
#include "pages.h"

namespace banner {

namespace {

constexpr std::string_view kBadCampaignId = "A campaign id is a decimal number from 0 to 9223372036854775807.";
constexpr std::string_view kBadBannerId = "A banner id is a decimal number from 0 to 9223372036854775807.";

struct Target {
  std::string_view path;
  std::string_view query;  // without the '?' and any fragment
};

// Absolute-form targets ("http://host/path") are routed by their path.
Target SplitTarget(std::string_view target) {
  if (target.starts_with("http://") || target.starts_with("https://")) {
    const size_t authority = target.find("//") + 2;
    const size_t slash = target.find('/', authority);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  Target t;
  const size_t qpos = target.find_first_of("?#");
  t.path = target.substr(0, qpos);
  if (qpos != std::string_view::npos && target[qpos] == '?') {
    t.query = target.substr(qpos + 1);
    t.query = t.query.substr(0, t.query.find('#'));
  }
  return t;
}

// The route for `path`; *arg is what follows a route's prefix ("7" in
// "/campaigns/7").
Route RouteOf(std::string_view path, std::string_view* arg) {
  constexpr std::string_view kCampaigns = "/campaigns/";
  constexpr std::string_view kApi = "/api/campaigns/";
  constexpr std::string_view kImages = "/images/";
  if (path == "/") return Route::kRoot;
  if (path.starts_with(kCampaigns)) {
    *arg = path.substr(kCampaigns.size());
    return Route::kCampaignPage;
  }
  if (path.starts_with(kApi)) {
    *arg = path.substr(kApi.size());
    return Route::kCampaignApi;
  }
  if (path.starts_with(kImages)) {
    *arg = path.substr(kImages.size());
    return Route::kImage;
  }
  if (path == "/campaigns") return Route::kCampaignForm;
  if (path == "/healthz") return Route::kHealthz;
  if (path == "/metrics") return Route::kMetrics;
  return Route::kNotFound;
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
  RenderErrorPage(status, message, context, 11, reply);
}

void Handle(const Request& req, const Context& ctx, Reply* r) {
  r->Clear();
  r->keep_alive = req.keep_alive && !ctx.closing;
  const Target target = SplitTarget(req.target);
  std::string_view arg;
  r->route = RouteOf(target.path, &arg);

  const bool is_head = req.method == "HEAD";
  r->send_body = !is_head;
  if (r->route == Route::kNotFound) {
    RenderErrorPage(404, "There is nothing at this address.", ctx, req.version, r);
    return;
  }
  if (!is_head && req.method != "GET") {
    RenderErrorPage(405, "Only GET and HEAD are supported.", ctx, req.version, r, "Allow: GET, HEAD\r\n");
    return;
  }

  uint64_t id = 0;
  switch (r->route) {
    case Route::kCampaignPage:
    case Route::kCampaignApi:
      if (!ParseId(arg, &id)) return RenderErrorPage(400, kBadCampaignId, ctx, req.version, r);
      return RenderCampaign(req, ctx, id, r->route == Route::kCampaignApi, r);
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
    case Route::kMetrics:
      return RenderMetrics(ctx, req.version, r);
    default:
      return RenderErrorPage(500, "Unexpected route.", ctx, req.version, r);
  }
}

}  // namespace banner
