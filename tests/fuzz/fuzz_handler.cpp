// Fuzzes the server's pure request handler (server/router.h): Handle() on
// arbitrary method, target and Cookie header bytes, against a small valid
// index built with IndexWriter and an image store holding one image. Also
// ParseId, FindCookie and RecentBanner (server/cookies.h) and RenderError on
// the same bytes.
//
// Input (FuzzedDataProvider): method, target, then up to 4 cookie values,
// then flags (HTTP version, keep-alive, closing, quarter, Host count, events
// on, prefetch) from the last bytes. Checks on every reply:
//  - the head is one status line and CRLF-terminated header lines ending in
//    an empty line: no request byte can split or inject a header;
//  - Content-Length is the length of the body (also for HEAD, which sends none);
//  - the status is one the route can give, 405 for other methods, 400 for
//    an HTTP/1.1 request without exactly one Host, and keep-alive is what the
//    request asked for unless the server is closing or the Host is wrong;
//  - under /api/ every answer is JSON, and every JSON error says
//    {"error":...,"status":N};
//  - a campaign page or API reply names a banner of that campaign's list,
//    never the one in the visitor's "banners" cookie when the list has two
//    or more, and sets the cookie, at most kRecentBannersMaxBytes, with that
//    campaign first;
//  - an explain reply (/campaigns/{id}/why, /api/campaigns/{id}/why) sets no
//    cookie;
//  - with events on, a GET that is no prefetch and is answered 200 or 302 by
//    a campaign page, /click or /i/...gif records exactly one event of a
//    pair on the list (a click: a 302 to the substituted target); anything else records
//    nothing, and with events off the event routes do not exist.
#include <fuzzer/FuzzedDataProvider.h>
#include <stdlib.h>
#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cookies.h"
#include "event_log.h"
#include "fuzz_check.h"
#include "id.h"
#include "images.h"
#include "index_holder.h"
#include "index_writer.h"
#include "metrics.h"
#include "rng.h"
#include "router.h"

namespace {

using namespace banner;
namespace fs = std::filesystem;

// What a "banners" cookie value may hold.
constexpr std::string_view kCookieChars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_:.";

struct World {
  std::shared_ptr<const IndexSnapshot> snapshot;
  std::unique_ptr<ImageStore> images;
  MetricsRegistry metrics;
  WorkerMetrics* worker = nullptr;
  Rng rng{42};
  EventSink events{1024, 0, 0};
  std::vector<Event> recorded;
};
World* g_world = nullptr;

// Every quarter: campaigns 0 (one banner), 1 (two), 7 (ten), 42 (five) and
// 2^63-1 (three, with the largest ids); quarter q also has 100 + q.
std::string BuildIndex() {
  IndexWriter w(1);
  InputRecord in;
  in.path = "1/clicks_1.csv";
  in.kind = FileKind::kClicks;
  in.quarter = 1;
  w.AddInput(in);
  for (int q = 1; q <= 4; ++q) {
    auto add = [&](uint64_t campaign, std::vector<uint64_t> ids, Rule rule, uint32_t x) {
      std::vector<BannerStats> banners;
      for (size_t i = 0; i < ids.size(); ++i) banners.push_back({ids[i], 100 - i, Micros{(10 - i) * 1000000 + 5}});
      w.AddList(q, campaign, x, rule, banners);
    };
    add(0, {5}, Rule::kTopByClicks, 0);
    add(1, {5, 6}, Rule::kConvertedThenClicks, 1);
    add(7, {70, 71, 72, 73, 74, 75, 76, 77, 78, 79}, Rule::kTop10ByRevenue, 12);
    add(42, {1, 2, 3, 4, 5}, Rule::kAllConvertedByRevenue, 5);
    add(100 + static_cast<uint64_t>(q), {1000 + static_cast<uint64_t>(q)}, Rule::kTopByClicks, 0);
    add(kMaxId, {kMaxId, kMaxId - 1, 0}, Rule::kTopByClicks, 0);
  }
  return w.Finish();
}

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Value of header `name` (exact case, as the handler writes it), or npos-empty.
bool HeaderValue(std::string_view head, std::string_view name, std::string_view* value) {
  size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos + 2 < head.size()) {
    const size_t start = pos + 2;
    const size_t end = head.find("\r\n", start);
    const std::string_view line = head.substr(start, end - start);
    if (line.size() > name.size() + 1 && StartsWith(line, name) && line[name.size()] == ':') {
      *value = line.substr(name.size() + 1);
      if (!value->empty() && value->front() == ' ') value->remove_prefix(1);
      return true;
    }
    pos = end;
  }
  return false;
}

uint64_t ToUint(std::string_view s) {
  uint64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  FUZZ_CHECK(r.ec == std::errc() && r.ptr == s.data() + s.size());
  return v;
}

void CheckHead(const Reply& r) {
  const std::string& h = r.head;
  FUZZ_CHECK(StartsWith(h, "HTTP/1.1 "));
  FUZZ_CHECK(h.size() >= 4 && h.compare(h.size() - 4, 4, "\r\n\r\n") == 0);
  FUZZ_CHECK(h.find("\r\n\r\n") == h.size() - 4);  // one blank line, at the end
  for (size_t i = 0; i < h.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(h[i]);
    if (c == '\r') FUZZ_CHECK(i + 1 < h.size() && h[i + 1] == '\n');
    if (c == '\n') FUZZ_CHECK(i > 0 && h[i - 1] == '\r');
    if (c != '\r' && c != '\n') FUZZ_CHECK(c >= 0x20 && c < 0x7f);
  }
  FUZZ_CHECK(ToUint(std::string_view(h).substr(9, 3)) == static_cast<uint64_t>(r.status));
  std::string_view length;
  FUZZ_CHECK(HeaderValue(h, "Content-Length", &length));
  const size_t body = r.external.empty() ? r.body.size() : r.external.size();
  FUZZ_CHECK(ToUint(length) == body);
  FUZZ_CHECK((h.find("Connection: close\r\n") != std::string::npos) == !r.keep_alive);
}

// Under /api/ every answer is JSON; a JSON error names its status.
void CheckJson(std::string_view target, const Reply& r) {
  std::string_view type;
  FUZZ_CHECK(HeaderValue(r.head, "Content-Type", &type));
  if (StartsWith(target, "/api/")) FUZZ_CHECK(type == "application/json");
  if (type == "application/json" && r.status != 200) {
    FUZZ_CHECK(StartsWith(r.body, "{\"error\":\""));
    FUZZ_CHECK(r.body.find(",\"status\":" + std::to_string(r.status)) != std::string::npos);
  }
}

// The campaign of the first entry of a "banners" value: one of the index's.
uint64_t FirstCampaign(std::string_view value) {
  for (const uint64_t campaign : std::initializer_list<uint64_t>{0, 1, 7, 42, 101, 102, 103, 104, kMaxId}) {
    std::string head;
    AppendRecentBannersCookie("", campaign, 0, &head);
    const size_t start = head.find('=') + 1;
    const std::string prefix = head.substr(start, head.find(':', start) - start + 1);  // "{campaign}:"
    if (StartsWith(value, prefix)) return campaign;
  }
  FUZZ_CHECK(false);
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_world = new World;
  Status st;
  auto index = IndexReader::FromBytes(BuildIndex(), &st);
  FUZZ_CHECK(index != nullptr);
  auto snapshot = std::make_shared<IndexSnapshot>();
  snapshot->index = std::move(index);
  snapshot->generation = 3;
  snapshot->loaded_unix = 1700000000;
  g_world->snapshot = snapshot;

  char tmpl[] = "/tmp/fuzz_handler.XXXXXX";
  FUZZ_CHECK(mkdtemp(tmpl) != nullptr);
  {
    std::ofstream(std::string(tmpl) + "/image_5.png", std::ios::binary) << "\x89PNG\r\n\x1a\nfake";
  }
  g_world->images = ImageStore::Load(tmpl, 1 << 20, 1 << 20, &st);
  FUZZ_CHECK(g_world->images != nullptr && g_world->images->count() == 1);
  std::error_code ec;
  fs::remove_all(tmpl, ec);
  g_world->worker = g_world->metrics.AddWorker();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& w = *g_world;
  FuzzedDataProvider fdp(data, size);
  const std::string method = fdp.ConsumeRandomLengthString(16);
  const std::string target = fdp.ConsumeRandomLengthString(4096);
  std::string cookies[kMaxCookieHeaders];
  Request req;
  req.method = method;
  req.target = target;
  req.cookie_count = fdp.ConsumeIntegralInRange<size_t>(0, kMaxCookieHeaders);
  for (size_t i = 0; i < req.cookie_count; ++i) {
    cookies[i] = fdp.ConsumeRandomLengthString(1024);
    req.cookies[i] = cookies[i];
  }
  req.version = fdp.ConsumeBool() ? 11 : 10;
  req.keep_alive = fdp.ConsumeBool();
  req.host_count = fdp.ConsumeIntegralInRange<size_t>(0, 2);
  Context ctx;
  ctx.snapshot = w.snapshot.get();
  ctx.quarter = fdp.ConsumeIntegralInRange<int>(1, 4);
  ctx.rng = &w.rng;
  ctx.images = fdp.ConsumeBool() ? w.images.get() : nullptr;
  ctx.metrics = &w.metrics;
  ctx.now_unix = 1700000000;
  ctx.date = "Tue, 14 Nov 2023 22:13:20 GMT";
  ctx.closing = fdp.ConsumeBool();
  const bool events_on = fdp.ConsumeBool();
  if (events_on) {
    ctx.events = &w.events;
    ctx.click_target = "https://shop.example/?b={banner_id}&c={campaign_id}";
  }
  req.prefetch = fdp.ConsumeBool();

  Reply reply;
  Handle(req, ctx, &reply);
  CheckHead(reply);
  const bool bad_host = req.host_count > 1 || (req.host_count == 0 && req.version == 11);
  FUZZ_CHECK(reply.keep_alive == (req.keep_alive && !ctx.closing && !bad_host));
  FUZZ_CHECK(reply.send_body == (method != "HEAD"));
  if (bad_host) FUZZ_CHECK(reply.status == 400);
  if (reply.status != 404 && reply.status != 400 && method != "GET" && method != "HEAD") {
    FUZZ_CHECK(reply.status == 405);
  }
  switch (reply.status) {
    case 200: case 302: case 400: case 404: case 405: break;
    default: FUZZ_CHECK(false);
  }
  CheckJson(target, reply);
  w.worker->Record(reply.route, reply.status, size);

  if (reply.route == Route::kWhyPage || reply.route == Route::kWhyApi) {
    FUZZ_CHECK(reply.head.find("Set-Cookie") == std::string::npos);
  }

  // Events: one per view of a page, beacon or click, none otherwise.
  w.recorded.clear();
  w.events.Drain(&w.recorded);
  const bool event_route =
      reply.route == Route::kCampaignPage || reply.route == Route::kClick || reply.route == Route::kBeacon;
  const bool view = method == "GET" && !req.prefetch && (reply.status == 200 || reply.status == 302);
  FUZZ_CHECK(w.recorded.size() == (events_on && event_route && view ? 1u : 0u));
  if (!events_on) FUZZ_CHECK(reply.route != Route::kClick && reply.route != Route::kBeacon);
  if (reply.status == 302 && reply.route != Route::kCampaignForm) {
    FUZZ_CHECK(reply.route == Route::kClick);
    std::string_view location;
    FUZZ_CHECK(HeaderValue(reply.head, "Location", &location));
    FUZZ_CHECK(StartsWith(location, "https://shop.example/?b="));
  }
  if (!w.recorded.empty()) {
    const Event& e = w.recorded.front();
    FUZZ_CHECK(e.kind == (reply.route == Route::kClick ? EventKind::kClick : EventKind::kImpression));
    FUZZ_CHECK(e.quarter == ctx.quarter);
    CampaignList list;
    FUZZ_CHECK(w.snapshot->index->Find(ctx.quarter, e.campaign_id, &list));
    bool on_list = false;
    for (size_t i = 0; i < list.size(); ++i) on_list |= list.banner_id(i) == e.banner_id;
    FUZZ_CHECK(on_list);
    if (reply.route == Route::kClick) {
      std::string_view location;
      FUZZ_CHECK(HeaderValue(reply.head, "Location", &location));
      FUZZ_CHECK(location == "https://shop.example/?b=" + std::to_string(e.banner_id) +
                                 "&c=" + std::to_string(e.campaign_id));
    }
  }

  // A campaign reply: the banner is on the list, not the last one seen.
  if (reply.status == 200 && (reply.route == Route::kCampaignPage || reply.route == Route::kCampaignApi)) {
    std::string_view set_cookie;
    FUZZ_CHECK(HeaderValue(reply.head, "Set-Cookie", &set_cookie));
    FUZZ_CHECK(StartsWith(set_cookie, "banners="));
    const std::string_view value = set_cookie.substr(8, set_cookie.find(';') - 8);
    FUZZ_CHECK(value.size() <= kRecentBannersMaxBytes);
    FUZZ_CHECK(value.find_first_not_of(kCookieChars) == std::string_view::npos);
    const uint64_t campaign = FirstCampaign(value);
    uint64_t banner = 0;
    FUZZ_CHECK(RecentBanner(value, campaign, &banner));
    CampaignList list;
    FUZZ_CHECK(w.snapshot->index->Find(ctx.quarter, campaign, &list));
    bool on_list = false;
    for (size_t i = 0; i < list.size(); ++i) on_list |= list.banner_id(i) == banner;
    FUZZ_CHECK(on_list);
    uint64_t last = 0;
    const std::string_view recent = FindCookie(req.cookies, req.cookie_count, kRecentBannersCookie);
    if (list.size() > 1 && RecentBanner(recent, campaign, &last)) {
      bool last_on_list = false;
      for (size_t i = 0; i < list.size(); ++i) last_on_list |= list.banner_id(i) == last;
      if (last_on_list) FUZZ_CHECK(banner != last);
    }
  }

  // The helpers on the same bytes.
  uint64_t id = 0;
  if (ParseId(target, &id)) {
    FUZZ_CHECK(!target.empty() && id <= kMaxId);
    FUZZ_CHECK(target.find_first_not_of("0123456789") == std::string::npos);
  }
  const std::string_view found = FindCookie(req.cookies, req.cookie_count, method);
  if (!found.empty()) {
    bool inside = false;
    for (size_t i = 0; i < req.cookie_count; ++i) {
      inside |= found.data() >= req.cookies[i].data() &&
                found.data() + found.size() <= req.cookies[i].data() + req.cookies[i].size();
    }
    FUZZ_CHECK(inside);
  }
  if (RecentBanner(target, id, &id)) FUZZ_CHECK(id <= kMaxId);
  static const int kErrors[] = {400, 413, 431};
  RenderError(kErrors[size % std::size(kErrors)], target, ctx, &reply);
  CheckHead(reply);
  CheckJson(target, reply);
  FUZZ_CHECK(!reply.keep_alive);
  return 0;
}
