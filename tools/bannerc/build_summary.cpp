#include "build_summary.h"

#include <algorithm>
#include <cstdio>

namespace banner {
namespace {

std::string Grouped(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

std::string Row(const std::string& name, size_t width, const std::string& a, const std::string& b,
                const std::string& c, const std::string& d) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "  %-*s %12s %12s %12s %12s\n", static_cast<int>(width), name.c_str(),
                a.c_str(), b.c_str(), c.c_str(), d.c_str());
  return buf;
}

}  // namespace

std::string FormatBuildSummary(const CompileResult& result, double seconds) {
  std::string out;
  size_t width = 4;
  for (const FileReport& f : result.files) width = std::max(width, f.record.path.size());

  out += Row("file", width, "rows read", "kept", "duplicate", "rejected");
  for (const FileReport& f : result.files) {
    const InputRecord& r = f.record;
    if (r.duplicate_file) {
      out += "  " + r.path + std::string(width - r.path.size(), ' ') +
             "  skipped: identical to " + f.duplicate_of + "\n";
      continue;
    }
    out += Row(r.path, width, Grouped(r.rows_read), Grouped(r.rows_kept), Grouped(r.rows_duplicate),
               Grouped(r.rows_rejected));
  }
  std::string carried;
  int carried_count = 0;
  uint64_t carried_rejected = 0;
  for (int q = 1; q <= kQuarters; ++q) {
    if (!result.carried_over[q - 1]) continue;
    carried += (carried_count++ == 0 ? " " : ", ") + std::to_string(q);
    for (const FileReport& f : result.files) {
      if (f.record.quarter == q) carried_rejected += f.record.rows_rejected;
    }
  }
  if (!carried.empty()) {
    out += "\n  carried over from the previous index, inputs unchanged: quarter" +
           std::string(carried_count > 1 ? "s" : "") + carried + "\n";
    if (carried_rejected > 0) {
      out += "  (their " + Grouped(carried_rejected) +
             " rejected row(s) were reported by the build that made it)\n";
    }
  }

  out += "\n  quarter  campaigns  " + std::string(RuleName(Rule::kTop10ByRevenue)) + "  " +
         std::string(RuleName(Rule::kAllConvertedByRevenue)) + "  " +
         std::string(RuleName(Rule::kConvertedThenClicks)) + "  " +
         std::string(RuleName(Rule::kTopByClicks)) + "\n";
  for (int q = 0; q < kQuarters; ++q) {
    uint64_t by_rule[5] = {};
    for (const CampaignResult& c : result.lists[q]) ++by_rule[static_cast<int>(c.list.rule)];
    char buf[256];
    std::snprintf(buf, sizeof buf, "  %7d  %9zu  %16s  %24s  %21s  %14s\n", q + 1, result.lists[q].size(),
                  Grouped(by_rule[1]).c_str(), Grouped(by_rule[2]).c_str(), Grouped(by_rule[3]).c_str(),
                  Grouped(by_rule[4]).c_str());
    out += buf;
  }
  const double mb = static_cast<double>(result.input_bytes) / 1e6;
  char buf[256];
  std::snprintf(buf, sizeof buf, "\n  read %.1f MB in %.2f s (%.0f MB/s); peak table memory %.1f MB\n", mb,
                seconds, seconds > 0 ? mb / seconds : 0.0,
                static_cast<double>(result.peak_table_bytes) / 1e6);
  out += buf;
  return out;
}

std::string FormatRejectedRows(const CompileResult& result) {
  std::string out;
  if (result.bad_rows > 0) {
    out += Grouped(result.bad_rows) + " unparseable row(s); the first:\n";
    for (const auto& e : result.bad_row_examples) out += "  " + e + "\n";
  }
  if (result.conflicts + result.orphans > 0) {
    out += Grouped(result.conflicts) + " conflicting and " + Grouped(result.orphans) +
           " orphan row(s) rejected (not counted in any list); the first:\n";
    for (const auto& e : result.reject_examples) out += "  " + e + "\n";
  }
  return out;
}

}  // namespace banner
