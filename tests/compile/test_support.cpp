#include "test_support.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

namespace banner::test {
namespace fs = std::filesystem;

CompileResult CompileOk(const std::string& dir, CompileOptions options) {
  options.input_dir = dir;
  CompileResult result;
  const Status s = Compile(options, &result);
  INFO(s.message());
  REQUIRE(s.ok());
  return result;
}

std::map<QuarterCampaign, SimpleList> Lists(const CompileResult& result) {
  std::map<QuarterCampaign, SimpleList> out;
  for (int q = 1; q <= kQuarters; ++q) {
    for (const CampaignResult& c : result.lists[q - 1]) {
      SimpleList l{c.list.x, c.list.rule, {}};
      for (const BannerStats& b : c.list.banners) l.banner_ids.push_back(b.banner_id);
      out[{q, c.campaign_id}] = l;
    }
  }
  return out;
}

namespace {

// A minimal CSV line splitter, independent of the production parser.
std::vector<std::string> SplitCsv(std::string line) {
  if (!line.empty() && line.back() == '\r') line.pop_back();
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c != ' ' && c != '\t') {
      fields.back() += c;
    }
  }
  return fields;
}

// Rows of a file as maps column → value; the header names the columns.
std::vector<std::map<std::string, std::string>> ReadRows(const std::string& path) {
  std::string text = ReadFile(path);
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = SplitCsv(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    if (line.empty() || line == "\r") continue;
    const std::vector<std::string> f = SplitCsv(line);
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < f.size(); ++i) row[header[i]] = f[i];
    rows.push_back(row);
  }
  return rows;
}

Micros ReferenceMicros(const std::string& s) {
  const size_t dot = s.find('.');
  std::string whole = s.substr(0, dot), frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  frac.resize(6, '0');
  return Micros{std::stoull(whole.empty() ? "0" : whole)} * 1000000 + std::stoull(frac);
}

}  // namespace

std::map<QuarterCampaign, ExpectedList> ReferenceModel(const std::string& dir) {
  struct File {
    std::string rel, kind;
    int quarter;
    std::string bytes;
  };
  std::vector<File> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const std::string name = e.path().filename().string();
    const size_t us = name.find('_');
    files.push_back({fs::relative(e.path(), dir).generic_string(), name.substr(0, us), name[us + 1] - '0',
                     ReadFile(e.path().string())});
  }
  std::sort(files.begin(), files.end(), [](const File& a, const File& b) { return a.rel < b.rel; });

  std::map<QuarterCampaign, ExpectedList> out;
  for (int q = 1; q <= kQuarters; ++q) {
    std::map<uint64_t, std::pair<uint64_t, uint64_t>> clicks;  // click → (campaign, banner)
    std::map<uint64_t, std::set<uint64_t>> campaign_banners;
    std::map<std::pair<uint64_t, uint64_t>, uint64_t> nclicks, nconv;
    std::map<std::pair<uint64_t, uint64_t>, Micros> revenue;
    std::set<uint64_t> conversions_seen;
    std::set<std::string> seen_bytes;
    for (const char* kind : {"clicks", "conversions", "impressions"}) {
      for (const File& f : files) {
        if (f.quarter != q || f.kind != kind) continue;
        if (!seen_bytes.insert(f.kind + f.bytes).second) continue;  // duplicate file
        for (auto& row : ReadRows(dir + "/" + f.rel)) {
          if (f.kind == "clicks") {
            const uint64_t id = std::stoull(row["click_id"]);
            const std::pair<uint64_t, uint64_t> cb{std::stoull(row["campaign_id"]), std::stoull(row["banner_id"])};
            if (clicks.count(id)) continue;
            clicks[id] = cb;
            campaign_banners[cb.first].insert(cb.second);
            ++nclicks[cb];
          } else if (f.kind == "conversions") {
            const uint64_t id = std::stoull(row["conversion_id"]);
            if (!conversions_seen.insert(id).second) continue;
            auto it = clicks.find(std::stoull(row["click_id"]));
            if (it == clicks.end()) continue;
            ++nconv[it->second];
            revenue[it->second] += ReferenceMicros(row["revenue"]);
          } else {
            campaign_banners[std::stoull(row["campaign_id"])].insert(std::stoull(row["banner_id"]));
          }
        }
      }
    }
    for (const auto& [campaign, banners] : campaign_banners) {
      std::vector<uint64_t> converted, clicked, rest;
      for (uint64_t b : banners) {
        const auto key = std::make_pair(campaign, b);
        (nconv[key] ? converted : nclicks[key] ? clicked : rest).push_back(b);
      }
      auto by_revenue = [&](uint64_t a, uint64_t b) {
        const auto ka = std::make_pair(campaign, a), kb = std::make_pair(campaign, b);
        return std::make_tuple(revenue[kb], nclicks[kb], a) < std::make_tuple(revenue[ka], nclicks[ka], b);
      };
      auto by_clicks = [&](uint64_t a, uint64_t b) {
        const auto ka = std::make_pair(campaign, a), kb = std::make_pair(campaign, b);
        return std::make_tuple(nclicks[kb], revenue[kb], a) < std::make_tuple(nclicks[ka], revenue[ka], b);
      };
      std::sort(converted.begin(), converted.end(), by_revenue);
      std::sort(clicked.begin(), clicked.end(), by_clicks);
      ExpectedList e;
      e.x = static_cast<uint32_t>(converted.size());
      e.rule = e.x >= 10 ? Rule::kTop10ByRevenue
               : e.x >= 5 ? Rule::kAllConvertedByRevenue
               : e.x >= 1 ? Rule::kConvertedThenClicks
                          : Rule::kTopByClicks;
      e.fixed_banners = converted;
      if (e.x >= 10) e.fixed_banners.resize(10);
      if (e.x < 5) {
        for (uint64_t b : clicked) {
          if (e.fixed_banners.size() < 5) e.fixed_banners.push_back(b);
        }
        if (e.fixed_banners.size() < 5) e.fill_pool = rest;
      }
      e.size = e.x >= 5 ? e.fixed_banners.size() : std::min<size_t>(5, banners.size());
      out[{q, campaign}] = e;
    }
  }
  return out;
}

}  // namespace banner::test
