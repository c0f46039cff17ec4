// The request path allocates nothing once a connection's Reply has grown:
// Handle() and RenderError() on every route, counted by replacing the global
// operator new for this test binary (the count is per thread).
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>

#include <doctest/doctest.h>

#include "cookies.h"
#include "images.h"
#include "index_holder.h"
#include "index_reader.h"
#include "rng.h"
#include "router.h"
#include "test_util.h"

namespace {
thread_local size_t g_allocations = 0;
}  // namespace

void* operator new(std::size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace banner {
namespace {

TEST_CASE("Handle and RenderError allocate nothing once the reply has grown") {
  Status st;
  IndexSnapshot snapshot;
  snapshot.index = IndexReader::FromBytes(test::BuildIndex(test::StandardLists()), &st);
  REQUIRE_MESSAGE(snapshot.index != nullptr, st.message());
  test::TempDir dir;
  {
    std::FILE* out = std::fopen((dir / "image_10100.png").c_str(), "wb");
    REQUIRE(out != nullptr);
    std::fputs("\x89PNG fake", out);
    std::fclose(out);
  }
  auto images = ImageStore::Load(dir.path(), 1 << 20, 1 << 20, &st);
  REQUIRE_MESSAGE(images != nullptr, st.message());
  Rng rng(7);
  MetricsRegistry metrics;
  metrics.AddWorker()->Record(Route::kRoot, 200, 10);
  Context ctx;
  ctx.snapshot = &snapshot;
  ctx.rng = &rng;
  ctx.images = images.get();
  ctx.metrics = &metrics;
  ctx.date = "Sun, 22 Nov 2026 04:20:43 GMT";

  // A full recent-banners cookie, for the largest ids.
  std::string full;
  for (uint64_t c = 100; c < 200; ++c) {
    std::string head;
    AppendRecentBannersCookie(full, 9223372036854775807ull - c, c, &head);
    full = head.substr(head.find('=') + 1, head.find(';') - head.find('=') - 1);
  }
  const std::string full_cookie = "a=b; banners=" + full + "; b7=1; b8=2";

  struct Case {
    std::string_view method, target, cookie;
    size_t hosts = 1;
  };
  const Case cases[] = {
      {"GET", "/campaigns/1", "banners=1:2Tq"}, {"GET", "/api/campaigns/1", ""},  {"HEAD", "/campaigns/2", ""},
      {"GET", "/campaigns/%31", full_cookie}, {"GET", "/api/campaigns/3", full_cookie},
      {"GET", "/api/campaigns/x", ""}, {"GET", "/api/nope", ""}, {"PUT", "/api/campaigns/1", ""},
      {"GET", "/campaigns/%zz", ""}, {"GET", "/campaigns/3", "", 0}, {"GET", "/api/campaigns/3", "", 2},
      {"GET", "/", ""},                    {"GET", "/campaigns?id=7", ""},   {"GET", "/images/10100", ""},
      {"GET", "/images/4242", ""},         {"GET", "/healthz", ""},          {"GET", "/metrics", ""},
      {"GET", "/campaigns/999", ""},       {"GET", "/api/campaigns/999", ""}, {"GET", "/campaigns/abc", ""},
      {"GET", "/nope", ""},                {"POST", "/campaigns/1", ""},
      {"GET", "http://example.com/campaigns/3?x=1#y", "a=1; b3=10300"},
  };
  Reply reply;
  for (int pass = 0; pass < 2; ++pass) {  // the first pass grows the reply's strings
    for (const Case& c : cases) {
      CAPTURE(c.target);
      Request req;
      req.method = c.method;
      req.target = c.target;
      req.host_count = c.hosts;
      if (!c.cookie.empty()) req.cookies[req.cookie_count++] = c.cookie;
      const size_t before = g_allocations;
      Handle(req, ctx, &reply);
      if (pass == 1) CHECK(g_allocations == before);
      CHECK(reply.status != 500);
    }
    for (int status : {400, 413, 431}) {
      const size_t before = g_allocations;
      RenderError(status, "/api/campaigns/1", ctx, &reply);
      if (pass == 1) CHECK(g_allocations == before);
    }
  }
}

}  // namespace
}  // namespace banner
