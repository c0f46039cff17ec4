#include "index_dump.h"

#include <cstdio>

#include "json.h"

namespace banner {
namespace {

std::string Hex64(uint64_t v) {
  std::string out;
  AppendHex64(&out, v);
  return out;
}

}  // namespace

std::string DumpIndexText(const IndexReader& index, const ListFilter& filter) {
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

std::string DumpIndexJson(const IndexReader& index, const ListFilter& filter) {
  std::string out = "{";
  AppendIndexJsonMembers(&out, index, filter);
  out += "}\n";
  return out;
}

}  // namespace banner
