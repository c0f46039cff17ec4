#include "why_page.h"

#include <time.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "choice.h"
#include "cookies.h"
#include "index_holder.h"
#include "index_reader.h"
#include "json.h"
#include "page_layout.h"
#include "pages.h"
#include "response_head.h"

namespace banner {

namespace {

// A quarter's input files listed at most (the rest are counted).
constexpr size_t kMaxListedInputs = 200;

// After kTableStyle. Tabs and tags keep their text at 4.5:1 or more: white on
// #1d4ed8 is 6.7:1, #78350f on #fef3c7 is 8.2:1, #1f2937 on #e5e7eb 11.9:1.
constexpr std::string_view kWhyStyle =
    ".tabs{display:flex;flex-wrap:wrap;gap:.4rem;margin:1rem 0}"
    ".tabs a{padding:.3rem .7rem;border:1px solid #9ca3af;border-radius:6px;text-decoration:none}"
    ".tabs a[aria-current]{background:#1d4ed8;color:#fff;border-color:#1d4ed8}"
    "img.thumb{display:inline-block;width:64px;margin:0 .5rem 0 0;vertical-align:middle;border-radius:4px}"
    ".ranked td{vertical-align:middle}"
    ".bar{display:block;height:6px;margin-top:3px;border-radius:3px;background:#2563eb}"
    ".bar.clicks{background:#059669}"
    ".tag{display:inline-block;font-size:.8rem;padding:0 .4rem;border-radius:4px;background:#e5e7eb;color:#1f2937}"
    ".tag.fill{background:#fef3c7;color:#78350f}tr.last td{background:#eff6ff}"
    "code{overflow-wrap:anywhere}"
    "@media(max-width:480px){img.thumb{width:48px;display:block;margin:0 0 .2rem}}";

// How a banner got onto its list. The index stores no flag for the random
// fill: a banner with 0 clicks past the converted ones can only come from it,
// since a converted banner always has a click and the fill by clicks takes
// only banners with one (index_format.md, "Banner record").
enum class Source { kRevenue, kClicks, kRandomFill };

Source SourceOf(const CampaignList& list, size_t rank) {
  if (rank < list.x()) return Source::kRevenue;
  return list.banner(rank).clicks > 0 ? Source::kClicks : Source::kRandomFill;
}

std::string_view RuleExplanation(Rule rule) {
  switch (rule) {
    case Rule::kTop10ByRevenue:
      return "X is 10 or more: the 10 converted banners with the most revenue.";
    case Rule::kAllConvertedByRevenue:
      return "X is 5 to 9: every converted banner, by revenue.";
    case Rule::kConvertedThenClicks:
      return "X is 1 to 4: the converted banners by revenue, then the most-clicked of the others to make 5; "
             "random banners of the campaign make up what clicks cannot.";
    case Rule::kTopByClicks:
      return "X is 0: the 5 most-clicked banners; random banners of the campaign make up what clicks cannot.";
  }
  return "";
}

// "2026-11-22 04:20:43 UTC"
void AppendUtcTime(std::string* out, int64_t unix_seconds) {
  const time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm;
  if (gmtime_r(&t, &tm) == nullptr) return AppendInt(out, unix_seconds);
  char buf[40];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d UTC", tm.tm_year + 1900, tm.tm_mon + 1,
                              tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  out->append(buf, static_cast<size_t>(n));
}

// A bar as wide as value / max, in tenths of a percent. REQUIRES: value <= max.
void AppendBar(std::string* out, Micros value, Micros max, std::string_view kind) {
  if (max == 0) return;
  const auto permille = static_cast<uint64_t>(value * 1000 / max);
  out->append("<span class=\"bar").append(kind).append("\" style=\"width:");
  AppendUint(out, permille / 10);
  out->push_back('.');
  AppendUint(out, permille % 10);
  out->append("%\" aria-hidden=\"true\"></span>");
}

void AppendQuarterTabs(std::string* out, uint64_t campaign_id, int shown, int serving) {
  out->append("<nav class=\"tabs\" aria-label=\"Quarters\">");
  for (int q = 1; q <= kQuarters; ++q) {
    out->append("<a href=\"/campaigns/");
    AppendUint(out, campaign_id);
    out->append("/why?quarter=");
    AppendInt(out, q);
    out->append(q == shown ? "\" aria-current=\"page\">" : "\">");
    out->append("Quarter ");
    AppendInt(out, q);
    if (q == serving) out->append(" (serving now)");
    out->append("</a>");
  }
  out->append("</nav>");
}

void AppendRankedList(std::string* out, const CampaignList& list, size_t last) {
  Micros max_revenue = 0;
  uint64_t max_clicks = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    const BannerStats b = list.banner(i);
    if (b.revenue > max_revenue) max_revenue = b.revenue;
    if (b.clicks > max_clicks) max_clicks = b.clicks;
  }
  out->append(
      "<table class=\"ranked\"><thead><tr><th scope=\"col\" class=\"n\">Rank</th><th scope=\"col\">Banner</th>"
      "<th scope=\"col\" class=\"n\">Clicks</th><th scope=\"col\" class=\"n\">Revenue</th></tr></thead><tbody>");
  for (size_t i = 0; i < list.size(); ++i) {
    const BannerStats b = list.banner(i);
    out->append(i == last ? "<tr class=\"last\" data-banner=\"" : "<tr data-banner=\"");
    AppendUint(out, b.banner_id);
    out->append("\"><td class=\"n\">");
    AppendUint(out, i + 1);
    out->append("</td><td class=\"w\"><img class=\"thumb\" src=\"/images/");
    AppendUint(out, b.banner_id);
    out->append("\" alt=\"Banner ");
    AppendUint(out, b.banner_id);
    out->append("\"><span class=\"banner-id\">");
    AppendUint(out, b.banner_id);
    out->append("</span> ");
    switch (SourceOf(list, i)) {
      case Source::kRevenue: out->append("<span class=\"tag\">converted</span>"); break;
      case Source::kClicks: out->append("<span class=\"tag\">by clicks</span>"); break;
      case Source::kRandomFill: out->append("<span class=\"tag fill\">random fill</span><a href=\"#fill\">*</a>"); break;
    }
    if (i == last) out->append(" <span class=\"tag\">seen last</span>");
    out->append("</td><td class=\"n\">");
    AppendUint(out, b.clicks);
    AppendBar(out, b.clicks, max_clicks, " clicks");
    out->append("</td><td class=\"n\">");
    AppendMicros(out, b.revenue);
    AppendBar(out, b.revenue, max_revenue, "");
    out->append("</td></tr>");
  }
  out->append("</tbody></table>");
}

// Which banners the next request can pick, given the visitor's cookie.
void AppendNextPick(std::string* out, const CampaignList& list, size_t last, int shown, int serving) {
  out->append("<h2>The next banner</h2><p>");
  if (shown != serving) {
    out->append("Quarter ");
    AppendInt(out, shown);
    out->append(" is not serving now. While it serves: ");
  }
  if (list.size() == 1) {
    out->append("The list has one banner, shown every time.</p>");
    return;
  }
  if (last != kNotShown) {
    out->append("Your <code>banners</code> cookie says you saw banner ");
    AppendUint(out, list.banner_id(last));
    out->append(" last, so the next request picks one of the other ");
  } else {
    out->append(
        "Your <code>banners</code> cookie remembers no banner of this list, so the next request picks any of "
        "the ");
  }
  const size_t choices = Excludes(list, last) ? list.size() - 1 : list.size();
  AppendUint(out, choices);
  out->append(", each with probability 1/");
  AppendUint(out, choices);
  out->append(":</p><p class=\"next\">");
  bool first = true;
  for (size_t i = 0; i < list.size(); ++i) {
    if (i == last) continue;
    if (!first) out->append(", ");
    first = false;
    AppendUint(out, list.banner_id(i));
  }
  out->append("</p>");
}

void AppendProvenance(std::string* out, const IndexSnapshot& snapshot, int quarter) {
  const IndexReader& index = *snapshot.index;
  out->append("<h2>The index</h2><p>Checksum <code>");
  AppendHex64(out, index.checksum());
  out->append("</code>, format version ");
  AppendUint(out, index.format_version());
  out->append(", ");
  AppendUint(out, index.file_size());
  out->append(" bytes, random fill seed ");
  AppendUint(out, index.seed());
  out->append(". Loaded by this server at ");
  AppendUtcTime(out, snapshot.loaded_unix);
  out->append(" (generation ");
  AppendUint(out, snapshot.generation);
  out->append(
      "). The index holds no build time, on purpose: the same inputs give the same bytes.</p>"
      "<table class=\"inputs\"><caption>Input files of quarter ");
  AppendInt(out, quarter);
  out->append(
      "</caption><thead><tr><th scope=\"col\">File</th><th scope=\"col\" class=\"n\">Read</th>"
      "<th scope=\"col\" class=\"n\">Kept</th><th scope=\"col\" class=\"n\">Duplicate</th>"
      "<th scope=\"col\" class=\"n\">Rejected</th></tr></thead><tbody>");
  size_t listed = 0, more = 0;
  for (const InputRecord& in : index.inputs()) {
    if (in.quarter != quarter) continue;
    if (listed == kMaxListedInputs) {
      ++more;
      continue;
    }
    ++listed;
    out->append("<tr><td class=\"w\"><code>");
    AppendHtmlEscaped(out, in.path);
    out->append("</code> ").append(FileKindName(in.kind));
    if (in.duplicate_file) out->append(" <span class=\"tag\">duplicate file, skipped</span>");
    out->append("</td><td class=\"n\">");
    AppendUint(out, in.rows_read);
    out->append("</td><td class=\"n\">");
    AppendUint(out, in.rows_kept);
    out->append("</td><td class=\"n\">");
    AppendUint(out, in.rows_duplicate);
    out->append("</td><td class=\"n\">");
    AppendUint(out, in.rows_rejected);
    out->append("</td></tr>");
  }
  out->append("</tbody></table>");
  if (more > 0) {
    out->append("<p class=\"meta\">and ");
    AppendUint(out, more);
    out->append(" more files.</p>");
  }
}

bool HasAnyList(const IndexReader& index, uint64_t campaign_id) {
  CampaignList list;
  for (int q = 1; q <= kQuarters; ++q) {
    if (index.Find(q, campaign_id, &list)) return true;
  }
  return false;
}

// "There is no campaign 9223372036854775807 in any quarter." on the stack.
std::string_view NoCampaignMessage(uint64_t campaign_id, char (&buf)[64]) {
  const int n = std::snprintf(buf, sizeof buf, "There is no campaign %llu in any quarter.",
                              static_cast<unsigned long long>(campaign_id));
  return std::string_view(buf, static_cast<size_t>(n));
}

}  // namespace

void RenderWhyPage(const Request& req, const Context& ctx, uint64_t campaign_id, int quarter, Reply* r) {
  const IndexReader& index = *ctx.snapshot->index;
  if (!HasAnyList(index, campaign_id)) {
    char buf[64];
    return RenderErrorPage(404, NoCampaignMessage(campaign_id, buf), ctx, req.version, r);
  }
  const int shown = quarter == 0 ? ctx.quarter : quarter;
  std::string& b = r->body;
  PageStart(&b, "Why these banners?", kTableStyle, kWhyStyle);
  b.append("<h1>Why these banners? Campaign ");
  AppendUint(&b, campaign_id);
  b.append("</h1>");
  AppendQuarterTabs(&b, campaign_id, shown, ctx.quarter);
  b.append("<p class=\"meta\">Quarter ");
  AppendInt(&b, shown);
  b.append(" serves minutes ");
  const int first_minute = (shown - 1) * 15;
  b.push_back(static_cast<char>('0' + first_minute / 10));
  b.push_back(static_cast<char>('0' + first_minute % 10));
  b.append("&ndash;");
  AppendInt(&b, first_minute + 14);
  b.append(" of every hour (UTC), from its own input files.</p>");

  CampaignList list;
  if (index.Find(shown, campaign_id, &list)) {
    b.append("<h2>The rule</h2><p><strong>X = ");
    AppendUint(&b, list.x());
    b.append("</strong> converted banners (with at least one conversion), so the rule is <code>")
        .append(RuleName(list.rule()))
        .append("</code>. ")
        .append(RuleExplanation(list.rule()))
        .append(
            "</p><p class=\"meta\">By revenue: revenue, then clicks, then the lower banner id first. By clicks: "
            "clicks, then revenue, then the lower banner id first.</p>");
    const std::string_view recent = FindCookie(req.cookies, req.cookie_count, kRecentBannersCookie);
    const size_t last = LastShownPosition(list, recent);
    AppendRankedList(&b, list, last);
    AppendNextPick(&b, list, last, shown, ctx.quarter);
  } else {
    b.append("<p class=\"none\">Campaign ");
    AppendUint(&b, campaign_id);
    b.append(" has no list in quarter ");
    AppendInt(&b, shown);
    b.append(": no impression or click of it is in that quarter's files, so its page is a 404 then.</p>");
  }
  AppendProvenance(&b, *ctx.snapshot, shown);
  b.append(
      "<p class=\"meta\" id=\"fill\">* The index stores no &ldquo;random fill&rdquo; flag. Under "
      "<code>converted_then_clicks</code> and <code>top5_by_clicks</code> a banner with 0 clicks can only come "
      "from the random fill: a converted banner always has a click, and the banners chosen by clicks have "
      "one.</p><p><a href=\"/campaigns/");
  AppendUint(&b, campaign_id);
  b.append("\">Show a banner</a> &middot; <a href=\"/api/campaigns/");
  AppendUint(&b, campaign_id);
  b.append("/why\">As JSON</a> &middot; <a href=\"/\">All campaigns</a></p>");
  PageEnd(&b);
  BeginHead(ctx, req.version, kHtmlType, r);
  r->head.append(kNoStoreHeader);
  EndHead(r);
}

void RenderWhyApi(const Request& req, const Context& ctx, uint64_t campaign_id, Reply* r) {
  const IndexReader& index = *ctx.snapshot->index;
  std::string& b = r->body;
  if (!HasAnyList(index, campaign_id)) {
    char buf[64];
    RenderJsonError(404, NoCampaignMessage(campaign_id, buf), ctx, req.version, r);
    return;
  }
  b.push_back('{');
  ListFilter filter;
  filter.campaign_id = campaign_id;
  AppendIndexJsonMembers(&b, index, filter);
  b.append(",\"current_quarter\":");
  AppendInt(&b, ctx.quarter);
  b.append("}\n");
  BeginHead(ctx, req.version, kJsonType, r);
  r->head.append(kNoStoreHeader);
  EndHead(r);
}

}  // namespace banner
