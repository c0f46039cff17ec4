// The explain routes without sockets: GET /campaigns/{id}/why (the rule, the
// ranked list and how each banner got there, the visitor's next pick, the
// index's provenance, the quarter tabs) and GET /api/campaigns/{id}/why
// (bannerc inspect --json's shape, checked against bannerc itself), their
// 404s and 400s; and the links to them from the home and campaign pages.
#include <cstdio>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "atomic_file.h"
#include "common/run_program.h"
#include "cookies.h"
#include "index_reader.h"
#include "index_writer.h"
#include "json.h"
#include "page_layout.h"
#include "test_util.h"

namespace banner {
namespace {

using test::RecentCookie;

BannerStats Banner(uint64_t id, uint64_t clicks, Micros revenue) { return {id, clicks, revenue}; }

InputRecord Input(std::string path, FileKind kind, int quarter, uint64_t read) {
  InputRecord in;
  in.path = std::move(path);
  in.hash = 0x0123456789abcdefull + read;
  in.kind = kind;
  in.quarter = quarter;
  in.rows_read = read;
  in.rows_kept = read - 3;
  in.rows_duplicate = 2;
  in.rows_rejected = 1;
  return in;
}

// Campaign 7: in quarter 1 X = 2 (converted_then_clicks: two converted, one
// by clicks, two from the random fill), in quarter 2 X = 0 (top5_by_clicks,
// one banner), nothing in quarters 3 and 4. Campaign 8: quarter 2 only.
std::string ExplainIndex() {
  IndexWriter w(/*seed=*/5);
  w.AddInput(Input("1/clicks_1.csv", FileKind::kClicks, 1, 100));
  w.AddInput(Input("1/odd <name> & \"quotes\".csv", FileKind::kImpressions, 1, 50));
  w.AddInput(Input("2/clicks_2.csv", FileKind::kClicks, 2, 70));
  const BannerStats q1[] = {Banner(310, 9, 4'213'377), Banner(311, 3, 1'500'000), Banner(312, 5, 0),
                            Banner(313, 0, 0), Banner(314, 0, 0)};
  w.AddList(1, 7, 2, Rule::kConvertedThenClicks, q1);
  const BannerStats q2[] = {Banner(320, 4, 0)};
  w.AddList(2, 7, 0, Rule::kTopByClicks, q2);
  const BannerStats other[] = {Banner(800, 1, 0), Banner(801, 1, 0)};
  w.AddList(2, 8, 0, Rule::kTopByClicks, other);
  return w.Finish();
}

struct Fixture : test::HandlerFixture {
  Fixture() : HandlerFixture(ExplainIndex()) {
    snapshot.generation = 3;
    snapshot.loaded_unix = 1700000000;  // 2023-11-14 22:13:20 UTC
  }
};

bool Has(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

size_t Count(const std::string& text, std::string_view part) {
  size_t n = 0;
  for (size_t pos = text.find(part); pos != std::string::npos; pos = text.find(part, pos + 1)) ++n;
  return n;
}

// The table row of `banner` on the page, "<tr ...>...</tr>".
std::string Row(const std::string& body, uint64_t banner) {
  const std::string key = "data-banner=\"" + std::to_string(banner) + "\"";
  const size_t at = body.find(key);
  REQUIRE_MESSAGE(at != std::string::npos, key);
  const size_t start = body.rfind("<tr", at);
  return body.substr(start, body.find("</tr>", at) + 5 - start);
}

// The banner ids of the page's ranked list, in order.
std::vector<uint64_t> Listed(const std::string& body) {
  std::vector<uint64_t> ids;
  for (size_t pos = body.find("data-banner=\""); pos != std::string::npos;
       pos = body.find("data-banner=\"", pos + 1)) {
    ids.push_back(std::stoull(body.substr(pos + 13)));
  }
  return ids;
}

TEST_CASE("why page: the rule, X and the ranked list - thumbnails, clicks, revenue, how each got there") {
  Fixture f;
  const Reply r = f.Run("/campaigns/7/why");
  CHECK(r.status == 200);
  CHECK(r.route == Route::kWhyPage);
  CHECK(Has(r.head, "Content-Type: text/html; charset=utf-8\r\n"));
  CHECK(Has(r.head, "Cache-Control: no-store\r\n"));
  CHECK_FALSE(Has(r.head, "Set-Cookie"));  // explaining is not showing
  const std::string& b = r.body;
  CHECK(Has(b, "<h1>Why these banners? Campaign 7</h1>"));
  CHECK(Has(b, "<strong>X = 2</strong>"));
  CHECK(Has(b, "<code>" + std::string(RuleName(Rule::kConvertedThenClicks)) + "</code>"));
  CHECK(Listed(b) == std::vector<uint64_t>{310, 311, 312, 313, 314});

  const std::string first = Row(b, 310);
  CHECK(Has(first, "<img class=\"thumb\" src=\"/images/310\" alt=\"Banner 310\">"));
  CHECK(Has(first, ">1</td>"));  // rank
  CHECK(Has(first, ">9<span class=\"bar clicks\" style=\"width:100.0%\""));
  CHECK(Has(first, ">4.213377<span class=\"bar\" style=\"width:100.0%\""));
  CHECK(Has(first, "converted"));
  // 1.5 / 4.213377 = 35.6 %, 3 / 9 clicks = 33.3 %.
  CHECK(Has(Row(b, 311), ">1.500000<span class=\"bar\" style=\"width:35.6%\""));
  CHECK(Has(Row(b, 311), ">3<span class=\"bar clicks\" style=\"width:33.3%\""));
  CHECK(Has(Row(b, 312), "by clicks"));
  CHECK_FALSE(Has(Row(b, 312), "random fill"));
  for (uint64_t fill : {313, 314}) {
    CAPTURE(fill);
    CHECK(Has(Row(b, fill), "random fill"));
    CHECK(Has(Row(b, fill), "width:0.0%"));
  }
  CHECK(Count(b, "random fill</span>") == 2);
  CHECK(Has(b, "id=\"fill\""));  // the footnote the markers point to
  CHECK(Has(b, "href=\"/api/campaigns/7/why\""));
  CHECK(Has(b, "href=\"/campaigns/7\""));
}

TEST_CASE("why page: the banner the cookie remembers is seen last - the next request picks among the others") {
  Fixture f;
  const Reply seen = f.Run("/campaigns/7/why", "GET", "a=1; " + RecentCookie(7, 311));
  CHECK(Has(Row(seen.body, 311), "class=\"last\""));
  CHECK(Has(Row(seen.body, 311), "seen last"));
  CHECK(Count(seen.body, "class=\"last\"") == 1);
  CHECK(Has(seen.body, "you saw banner 311 last, so the next request picks one of the other 4, each with "
                       "probability 1/4:</p><p class=\"next\">310, 312, 313, 314</p>"));

  for (const std::string& cookie : {std::string(), RecentCookie(7, 999), RecentCookie(8, 310)}) {
    CAPTURE(cookie);
    const Reply none = f.Run("/campaigns/7/why", "GET", cookie);
    CHECK(Count(none.body, "class=\"last\"") == 0);
    CHECK(Has(none.body, "any of the 5, each with probability 1/5:</p><p class=\"next\">310, 311, 312, 313, 314</p>"));
  }
  // What the page says is what the campaign page does.
  for (int i = 0; i < 200; ++i) {
    const Reply page = f.Run("/campaigns/7", "GET", RecentCookie(7, 311));
    const size_t start = page.head.find("banners=") + 8;
    uint64_t shown = 0;
    REQUIRE(RecentBanner(page.head.substr(start, page.head.find(';', start) - start), 7, &shown));
    CHECK(shown != 311);
  }
}

TEST_CASE("why page: quarter tabs - ?quarter=N - a quarter without a list") {
  Fixture f;
  const Reply now = f.Run("/campaigns/7/why");
  for (int q = 1; q <= 4; ++q) CHECK(Has(now.body, "href=\"/campaigns/7/why?quarter=" + std::to_string(q) + "\""));
  CHECK(Has(now.body, "quarter=1\" aria-current=\"page\">Quarter 1 (serving now)</a>"));
  CHECK(Count(now.body, "aria-current=\"page\"") == 1);
  CHECK(f.Run("/campaigns/7/why?quarter=1").body == now.body);

  const Reply q2 = f.Run("/campaigns/7/why?x=1&quarter=2");
  CHECK(q2.status == 200);
  CHECK(Has(q2.body, "quarter=2\" aria-current=\"page\">Quarter 2</a>"));
  CHECK(Has(q2.body, "Quarter 1 (serving now)"));
  CHECK(Listed(q2.body) == std::vector<uint64_t>{320});
  CHECK(Has(q2.body, "<code>" + std::string(RuleName(Rule::kTopByClicks)) + "</code>"));
  CHECK(Has(q2.body, "Quarter 2 is not serving now."));
  CHECK(Has(q2.body, "The list has one banner, shown every time."));
  CHECK(Has(q2.body, "serves minutes 15&ndash;29"));

  const Reply q3 = f.Run("/campaigns/7/why?quarter=3");
  CHECK(q3.status == 200);
  CHECK(Listed(q3.body).empty());
  CHECK(Has(q3.body, "has no list in quarter 3"));

  f.ctx.quarter = 2;  // the serving quarter is the default
  CHECK(Listed(f.Run("/campaigns/7/why").body) == std::vector<uint64_t>{320});
  CHECK(Has(f.Run("/campaigns/8/why").body, "Quarter 2 (serving now)"));

  for (const char* bad : {"?quarter=0", "?quarter=5", "?quarter=", "?quarter=x", "?quarter=+1", "?quarter=18446744073709551617"}) {
    CAPTURE(bad);
    const Reply r = f.Run(std::string("/campaigns/7/why") + bad);
    CHECK(r.status == 400);
    CHECK(Has(r.body, "A quarter is 1, 2, 3 or 4."));
    CHECK(Has(r.head, "Content-Type: text/html"));
  }
}

TEST_CASE("why page: the index it comes from - checksum, load time, the quarter's input files") {
  Fixture f;
  const Reply r = f.Run("/campaigns/7/why");
  std::string checksum;
  AppendHex64(&checksum, f.snapshot.index->checksum());
  CHECK(Has(r.body, "Checksum <code>" + checksum + "</code>, format version 1, " +
                        std::to_string(f.snapshot.index->file_size()) + " bytes, random fill seed 5."));
  CHECK(Has(r.body, "Loaded by this server at 2023-11-14 22:13:20 UTC (generation 3)."));
  CHECK(Has(r.body, "<code>1/clicks_1.csv</code> clicks</td><td class=\"n\">100</td><td class=\"n\">97</td>"
                    "<td class=\"n\">2</td><td class=\"n\">1</td>"));
  CHECK(Has(r.body, "<code>1/odd &lt;name&gt; &amp; &quot;quotes&quot;.csv</code> impressions"));
  CHECK_FALSE(Has(r.body, "2/clicks_2.csv"));  // another quarter's file
  CHECK(Has(f.Run("/campaigns/7/why?quarter=2").body, "<code>2/clicks_2.csv</code>"));

  std::string escaped;
  AppendHtmlEscaped(&escaped, "a<b>&\"c\"'d'");
  CHECK(escaped == "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
}

TEST_CASE("why: 404 for a campaign in no quarter - 400 for a bad id - under both routes") {
  Fixture f;
  const Reply page = f.Run("/campaigns/999/why");
  CHECK(page.status == 404);
  CHECK(Has(page.head, "Content-Type: text/html"));
  CHECK(Has(page.body, "There is no campaign 999 in any quarter."));
  const Reply api = f.Run("/api/campaigns/999/why");
  CHECK(api.status == 404);
  CHECK(api.body == "{\"error\":\"There is no campaign 999 in any quarter.\",\"status\":404}\n");
  for (const char* bad : {"/campaigns/x/why", "/campaigns//why", "/campaigns/7/why/why", "/campaigns/-7/why"}) {
    CAPTURE(bad);
    const Reply r = f.Run(bad);
    CHECK(r.status == 400);
    CHECK(Has(r.head, "Content-Type: text/html"));
  }
  for (const char* bad : {"/api/campaigns/x/why", "/api/campaigns//why", "/api/campaigns/9223372036854775808/why"}) {
    CAPTURE(bad);
    const Reply r = f.Run(bad);
    CHECK(r.status == 400);
    CHECK(Has(r.head, "Content-Type: application/json"));
    CHECK(r.body.rfind("{\"error\":", 0) == 0);
  }
  // Campaign 8 has no list in the serving quarter but has one in quarter 2.
  CHECK(f.Run("/campaigns/8/why").status == 200);
  CHECK(f.Run("/api/campaigns/8/why").status == 200);
  CHECK(f.Run("/campaigns/8").status == 404);
  CHECK(f.Run("/campaigns/7/why", "POST").status == 405);
  const Reply head = f.Run("/api/campaigns/7/why", "HEAD");
  CHECK(head.status == 200);
  CHECK(head.payload().empty());
  CHECK(f.Run("/%63ampaigns/%37/%77hy").route == Route::kWhyPage);
}

TEST_CASE("why API: bannerc inspect --json --campaign ID plus current_quarter, both parsed") {
  Fixture f;
  f.ctx.quarter = 3;
  test::TempDir dir;
  const std::string index = dir / "explain.idx";
  const Status st = WriteFileAtomically(index, ExplainIndex());
  REQUIRE_MESSAGE(st.ok(), st.message());
  for (const char* campaign : {"7", "8"}) {
    CAPTURE(campaign);
    const Reply r = f.Run(std::string("/api/campaigns/") + campaign + "/why");
    CHECK(r.status == 200);
    CHECK(r.route == Route::kWhyApi);
    CHECK(Has(r.head, "Content-Type: application/json\r\n"));
    CHECK_FALSE(Has(r.head, "Set-Cookie"));
    const test::ProgramRun inspect = test::RunProgram({BANNERC_PATH, "inspect", "--json", "--campaign", campaign, index});
    REQUIRE(inspect.exit_code == 0);
    const std::string api_file = dir / "api.json", inspect_file = dir / "inspect.json";
    for (const auto& [path, text] : {std::pair{api_file, r.body}, std::pair{inspect_file, inspect.out}}) {
      std::FILE* out = std::fopen(path.c_str(), "wb");
      REQUIRE(out != nullptr);
      std::fwrite(text.data(), 1, text.size(), out);
      std::fclose(out);
    }
    const char* script =
        "import json, sys\n"
        "api = json.load(open(sys.argv[1]))\n"
        "inspect = json.load(open(sys.argv[2]))\n"
        "assert api.pop('current_quarter') == 3, 'current_quarter'\n"
        "assert api == inspect, (api, inspect)\n"
        "assert [l['quarter'] for l in api['lists']] == sorted({l['quarter'] for l in api['lists']})\n"
        "assert len(api['inputs']) == 3 and api['lists'], api\n";
    const test::ProgramRun py = test::RunProgram({PYTHON3_PATH, "-c", script, api_file, inspect_file});
    CHECK_MESSAGE(py.exit_code == 0, py.err);
  }
}

TEST_CASE("the campaign page links to its explain page - the home page lists campaigns with their rule") {
  Fixture f;
  const Reply campaign = f.Run("/campaigns/7");
  CHECK(Has(campaign.body, "<a href=\"/campaigns/7/why\">Why this banner?</a>"));
  const Reply root = f.Run("/");
  CHECK(Has(root.body, "<td class=\"w\"><a href=\"/campaigns/7\">7</a></td><td><a href=\"/campaigns/7/why\">"
                       "converted_<wbr>then_<wbr>clicks</a></td><td class=\"n\">2</td><td class=\"n\">5</td>"));
  CHECK_FALSE(Has(root.body, "/campaigns/8\""));  // not in the serving quarter
  CHECK(Has(root.body, "<label>Campaign id <input name=\"id\""));
}

}  // namespace
}  // namespace banner
