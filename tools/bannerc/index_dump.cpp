#include "index_dump.h"

#include <cstdio>

#include "json.h"

namespace banner {
namespace {

std::string Hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

template <typename F>
void ForEachList(const IndexReader& index, const DumpFilter& filter, F&& f) {
  for (int q = 1; q <= kQuarters; ++q) {
    if (filter.quarter && *filter.quarter != q) continue;
    if (filter.campaign_id) {
      CampaignList list;
      if (index.Find(q, *filter.campaign_id, &list)) f(q, list);
      continue;
    }
    for (size_t i = 0; i < index.campaign_count(q); ++i) f(q, index.campaign_at(q, i));
  }
}

}  // namespace

std::string DumpIndexText(const IndexReader& index, const DumpFilter& filter) {
  std::string out;
  char buf[512];
  std::snprintf(buf, sizeof buf, "format version %u, %zu bytes, checksum %s, seed %llu\n",
                index.format_version(), index.file_size(), Hex64(index.checksum()).c_str(),
                static_cast<unsigned long long>(index.seed()));
  out += buf;
  for (int q = 1; q <= kQuarters; ++q) {
    out += "quarter " + std::to_string(q) + ": " + std::to_string(index.campaign_count(q)) + " campaigns\n";
  }
  out += "\ninputs:\n";
  for (const InputRecord& in : index.inputs()) {
    std::snprintf(buf, sizeof buf, "  %-40s %s  read %llu kept %llu duplicate %llu rejected %llu%s\n",
                  in.path.c_str(), Hex64(in.hash).c_str(), static_cast<unsigned long long>(in.rows_read),
                  static_cast<unsigned long long>(in.rows_kept),
                  static_cast<unsigned long long>(in.rows_duplicate),
                  static_cast<unsigned long long>(in.rows_rejected),
                  in.duplicate_file ? "  (duplicate file, skipped)" : "");
    out += buf;
  }
  bool any = false;
  ForEachList(index, filter, [&](int q, const CampaignList& list) {
    any = true;
    std::snprintf(buf, sizeof buf, "\nquarter %d  campaign %llu  X=%u  rule %s\n", q,
                  static_cast<unsigned long long>(list.campaign_id()), list.x(),
                  std::string(RuleName(list.rule())).c_str());
    out += buf;
    out += "  rank  banner_id        clicks           revenue\n";
    for (size_t i = 0; i < list.size(); ++i) {
      const BannerStats b = list.banner(i);
      std::snprintf(buf, sizeof buf, "  %4zu  %9llu  %12llu  %16s\n", i + 1,
                    static_cast<unsigned long long>(b.banner_id), static_cast<unsigned long long>(b.clicks),
                    FormatMicros(b.revenue).c_str());
      out += buf;
    }
  });
  if (!any && (filter.quarter || filter.campaign_id)) out += "\nno list matches the filter\n";
  return out;
}

std::string DumpIndexJson(const IndexReader& index, const DumpFilter& filter) {
  std::string out = "{\"format_version\":" + std::to_string(index.format_version()) + ",\"checksum\":\"" +
                    Hex64(index.checksum()) + "\",\"seed\":" + std::to_string(index.seed()) +
                    ",\"inputs\":[";
  bool first = true;
  for (const InputRecord& in : index.inputs()) {
    if (!first) out.push_back(',');
    first = false;
    out += "{\"path\":";
    AppendJsonString(&out, in.path);
    out += ",\"hash\":\"" + Hex64(in.hash) + "\",\"kind\":\"" + std::string(FileKindName(in.kind)) +
           "\",\"quarter\":" + std::to_string(in.quarter) +
           ",\"duplicate_file\":" + (in.duplicate_file ? "true" : "false") +
           ",\"rows_read\":" + std::to_string(in.rows_read) + ",\"rows_kept\":" + std::to_string(in.rows_kept) +
           ",\"rows_duplicate\":" + std::to_string(in.rows_duplicate) +
           ",\"rows_rejected\":" + std::to_string(in.rows_rejected) + "}";
  }
  out += "],\"lists\":[";
  first = true;
  ForEachList(index, filter, [&](int q, const CampaignList& list) {
    if (!first) out.push_back(',');
    first = false;
    out += "{\"quarter\":" + std::to_string(q) + ",\"campaign_id\":" + std::to_string(list.campaign_id()) +
           ",\"x\":" + std::to_string(list.x()) + ",\"rule\":\"" + std::string(RuleName(list.rule())) +
           "\",\"banners\":";
    AppendBannersJson(&out, list);
    out.push_back('}');
  });
  out += "]}\n";
  return out;
}

}  // namespace banner
