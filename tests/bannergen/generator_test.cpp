// Tests of the synthetic data generator (tools/bannergen/synthetic_data.h). The CSV
// reader and the X computation below are deliberately independent of the
// generator: they re-derive from the written files what the manifest claims.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <map>
#include <numeric>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/files.h"
#include "common/temp_dir.h"
#include "synthetic_data.h"

namespace {

namespace fs = std::filesystem;
using banner::synthetic::Generate;
using banner::synthetic::Layout;
using banner::synthetic::Options;
using banner::test::ReadFile;
using banner::test::TempDir;

constexpr uint64_t kMaxId = 9223372036854775807ull;
constexpr uint64_t kMaxRevenueMicros = 1'000'000'000'000'000'000ull;

// Every regular file under dir, as sorted paths relative to dir.
std::vector<std::string> ListFiles(const fs::path& dir) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(fs::relative(entry.path(), dir).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<fs::path> QuarterCsvFiles(const fs::path& out, int quarter) {
  std::vector<fs::path> files;
  for (const std::string& name : ListFiles(out / "csv" / std::to_string(quarter))) {
    files.push_back(out / "csv" / std::to_string(quarter) / name);
  }
  return files;  // path order, as bannerc reads them
}

// ---- A small CSV reader: BOM, CRLF, quoted fields, missing final newline.

struct CsvFile {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

std::vector<std::string> SplitFields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (char c : line) {
    if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

CsvFile ReadCsv(const fs::path& path) {
  std::string content = ReadFile(path);
  if (content.rfind("\xEF\xBB\xBF", 0) == 0) content.erase(0, 3);
  CsvFile csv;
  std::istringstream lines(content);
  std::string line;
  bool first = true;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (first) {
      csv.header = SplitFields(line);
      first = false;
    } else {
      csv.rows.push_back(SplitFields(line));
    }
  }
  return csv;
}

bool ParseId(const std::string& text, uint64_t* id) {
  if (text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *id);
  return error == std::errc() && end == text.data() + text.size() && *id <= kMaxId;
}

// "123.456789" (exactly six decimals, as the generator writes) up to 10^12.
bool ParseRevenue(const std::string& text, uint64_t* micros) {
  const size_t dot = text.find('.');
  if (dot == std::string::npos || text.size() - dot != 7) return false;
  uint64_t units = 0;
  uint64_t fraction = 0;
  if (!ParseId(text.substr(0, dot), &units) || !ParseId(text.substr(dot + 1), &fraction)) {
    return false;
  }
  if (units > kMaxRevenueMicros / 1'000'000) return false;
  *micros = units * 1'000'000 + fraction;
  return *micros <= kMaxRevenueMicros;
}

// A row as named values; false if it cannot be parsed (SPEC's bad rows).
bool ParseRow(const CsvFile& csv, const std::vector<std::string>& row,
              std::map<std::string, uint64_t>* values) {
  if (row.size() != csv.header.size()) return false;
  for (size_t i = 0; i < row.size(); ++i) {
    const std::string& name = csv.header[i];
    uint64_t value = 0;
    if (name == "revenue") {
      if (!ParseRevenue(row[i], &value)) return false;
    } else if (name.size() > 3 && name.compare(name.size() - 3, 3, "_id") == 0) {
      if (!ParseId(row[i], &value)) return false;
    } else {
      continue;  // extra column, ignored
    }
    (*values)[name] = value;
  }
  return true;
}

// The parsed rows of a file, by column name, in file order.
std::vector<std::map<std::string, uint64_t>> LogicalRows(const fs::path& file) {
  const CsvFile csv = ReadCsv(file);
  std::vector<std::map<std::string, uint64_t>> rows;
  for (const auto& row : csv.rows) {
    REQUIRE(ParseRow(csv, row, &rows.emplace_back()));
  }
  return rows;
}

uint64_t CountBadRows(const fs::path& out) {
  uint64_t bad = 0;
  for (int quarter = 1; quarter <= 4; ++quarter) {
    for (const fs::path& file : QuarterCsvFiles(out, quarter)) {
      const CsvFile csv = ReadCsv(file);
      for (const auto& row : csv.rows) {
        std::map<std::string, uint64_t> values;
        if (!ParseRow(csv, row, &values)) ++bad;
      }
    }
  }
  return bad;
}

// ---- The manifest and an independent computation of X from the CSVs.

struct ManifestEntry {
  uint64_t planned_x;
  std::string case_name;
};
// quarter -> campaign_id -> entry
using Manifest = std::map<int, std::map<uint64_t, ManifestEntry>>;

Manifest ReadManifest(const fs::path& out) {
  Manifest manifest;
  std::istringstream lines(ReadFile(out / "manifest.tsv"));
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    int quarter = 0;
    uint64_t campaign = 0;
    ManifestEntry entry;
    fields >> quarter >> campaign >> entry.planned_x >> entry.case_name;
    REQUIRE_MESSAGE(fields, line);
    REQUIRE_MESSAGE(manifest[quarter].count(campaign) == 0, "campaign listed twice: ", line);
    manifest[quarter][campaign] = entry;
  }
  return manifest;
}

struct QuarterFacts {
  std::map<uint64_t, std::set<uint64_t>> converted;  // campaign -> banners
  uint64_t duplicate_files = 0;
  uint64_t duplicate_rows = 0;
  uint64_t conflicts = 0;
  uint64_t orphans = 0;
};

// SPEC section 2 dedup and section 3's X: files in path order, byte-identical
// files skipped, first occurrence wins, orphans never count.
QuarterFacts ComputeFacts(const fs::path& out, int quarter) {
  QuarterFacts facts;
  std::set<std::string> seen_contents;
  std::map<uint64_t, std::pair<uint64_t, uint64_t>> clicks;       // id -> banner, campaign
  std::map<uint64_t, std::pair<uint64_t, uint64_t>> conversions;  // id -> click, micros
  std::vector<uint64_t> conversion_order;
  for (const fs::path& file : QuarterCsvFiles(out, quarter)) {
    if (!seen_contents.insert(ReadFile(file)).second) {
      ++facts.duplicate_files;
      continue;
    }
    const CsvFile csv = ReadCsv(file);
    const std::string name = file.filename().string();
    for (const auto& row : csv.rows) {
      std::map<std::string, uint64_t> v;
      if (!ParseRow(csv, row, &v)) continue;
      if (name.rfind("clicks_", 0) == 0) {
        const auto value = std::make_pair(v["banner_id"], v["campaign_id"]);
        const auto [it, inserted] = clicks.emplace(v["click_id"], value);
        if (!inserted) ++(it->second == value ? facts.duplicate_rows : facts.conflicts);
      } else if (name.rfind("conversions_", 0) == 0) {
        const auto value = std::make_pair(v["click_id"], v["revenue"]);
        const auto [it, inserted] = conversions.emplace(v["conversion_id"], value);
        if (!inserted) ++(it->second == value ? facts.duplicate_rows : facts.conflicts);
      }
    }
  }
  for (const auto& [id, conversion] : conversions) {
    const auto click = clicks.find(conversion.first);
    if (click == clicks.end()) {
      ++facts.orphans;
    } else {
      facts.converted[click->second.second].insert(click->second.first);
    }
  }
  return facts;
}

void CheckPlannedX(const fs::path& out) {
  const Manifest manifest = ReadManifest(out);
  REQUIRE(manifest.size() == 4);
  for (const auto& [quarter, campaigns] : manifest) {
    const QuarterFacts facts = ComputeFacts(out, quarter);
    for (const auto& [campaign, entry] : campaigns) {
      const auto converted = facts.converted.find(campaign);
      const uint64_t x = converted == facts.converted.end() ? 0 : converted->second.size();
      CHECK_MESSAGE(x == entry.planned_x, "quarter ", quarter, " campaign ", campaign, " (",
                    entry.case_name, ")");
    }
    for (const auto& [campaign, banners] : facts.converted) {
      CHECK_MESSAGE(campaigns.count(campaign) == 1, "unplanned campaign ", campaign);
    }
    CHECK(facts.duplicate_files >= 1);
    CHECK(facts.duplicate_rows >= 1);
    CHECK(facts.conflicts >= 4);
    CHECK(facts.orphans >= 3);
  }
}

// ^(impressions|clicks|conversions)_[1-4](_[^/]*)?\.csv$, by hand: std::regex
// trips -Wmaybe-uninitialized in sanitizer builds.
bool IsInputFileName(std::string_view name) {
  for (std::string_view kind : {"impressions_", "clicks_", "conversions_"}) {
    if (name.substr(0, kind.size()) != kind) continue;
    name.remove_prefix(kind.size());
    if (name.empty() || name[0] < '1' || name[0] > '4') return false;
    name.remove_prefix(1);
    if (name.size() < 4 || name.substr(name.size() - 4) != ".csv") return false;
    name.remove_suffix(4);
    return name.empty() || (name[0] == '_' && name.find('/') == std::string_view::npos);
  }
  return false;
}

constexpr Layout kLayouts[] = {Layout::kInterleaved, Layout::kGrouped};

const char* LayoutName(Layout layout) { return layout == Layout::kGrouped ? "grouped" : "interleaved"; }

Options SmallOptions(const fs::path& out, Layout layout = Layout::kInterleaved) {
  Options options;
  options.out_dir = out;
  options.layout = layout;
  return options;
}

// The rows of one table of a quarter in time order as the generator means
// it: the batch files in path order (the late files and their copy, written
// after the quarter's time, left out), each row with its batch number.
struct TimedRow {
  uint32_t batch;
  std::map<std::string, uint64_t> values;
};
std::vector<TimedRow> BatchRows(const fs::path& out, int quarter, const std::string& table) {
  std::vector<TimedRow> rows;
  uint32_t batch = 0;
  for (const fs::path& file : QuarterCsvFiles(out, quarter)) {
    const std::string name = file.filename().string();
    if (name.rfind(table + "_", 0) != 0 || name.find("_late") != std::string::npos) continue;
    const CsvFile csv = ReadCsv(file);
    for (const auto& row : csv.rows) {
      std::map<std::string, uint64_t> values;
      if (ParseRow(csv, row, &values)) rows.push_back({batch, std::move(values)});
    }
    ++batch;
  }
  return rows;
}

// The share of consecutive rows (of a table, in time order) whose campaigns
// are the same.
double SameCampaignShare(const std::vector<TimedRow>& rows) {
  size_t same = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    same += rows[i].values.at("campaign_id") == rows[i - 1].values.at("campaign_id");
  }
  return rows.size() < 2 ? 0 : static_cast<double>(same) / static_cast<double>(rows.size() - 1);
}

// Bulk campaigns have ids from 10000 (edge cases: 100..172 and 2^63-1).
bool IsBulkCampaign(uint64_t campaign) { return campaign >= 10'000 && campaign < kMaxId; }

uint64_t TotalCsvBytes(const fs::path& out) {
  uint64_t total = 0;
  for (const auto& entry : fs::recursive_directory_iterator(out / "csv")) {
    if (entry.is_regular_file()) total += entry.file_size();
  }
  return total;
}

}  // namespace

TEST_CASE("the same seed gives byte-identical output, in either layout") {
  for (const Layout layout : kLayouts) {
    CAPTURE(LayoutName(layout));
    TempDir first;
    TempDir second;
    Options options = SmallOptions(first.path(), layout);
    options.seed = 42;
    options.quirks = true;
    options.batches = 3;
    options.bad_rows = 5;
    Generate(options);
    options.out_dir = second.path();
    Generate(options);

    const std::vector<std::string> files = ListFiles(first.path());
    REQUIRE(files == ListFiles(second.path()));
    REQUIRE(files.size() > 4);
    for (const std::string& file : files) {
      CHECK_MESSAGE(ReadFile(first.path() / file) == ReadFile(second.path() / file), file);
    }
  }
}

TEST_CASE("different seeds give different data") {
  TempDir first;
  TempDir second;
  Options options = SmallOptions(first.path());
  Generate(options);
  options.out_dir = second.path();
  options.seed = 2;
  Generate(options);

  const std::vector<std::string> files = ListFiles(first.path());
  REQUIRE(files == ListFiles(second.path()));
  size_t differing = 0;
  for (const std::string& file : files) {
    if (ReadFile(first.path() / file) != ReadFile(second.path() / file)) ++differing;
  }
  CHECK(differing > files.size() / 2);
}

TEST_CASE("every input file name is one bannerc accepts, the manifest sits outside csv/") {
  CHECK(IsInputFileName("clicks_3.csv"));
  CHECK(IsInputFileName("clicks_3_2024-06-01.csv"));
  CHECK_FALSE(IsInputFileName("clicks_5.csv"));
  CHECK_FALSE(IsInputFileName("clicks_3-x.csv"));
  CHECK_FALSE(IsInputFileName("manifest.tsv"));
  for (uint32_t batches : {1u, 2u, 12u}) {
    CAPTURE(batches);
    TempDir out;
    Options options = SmallOptions(out.path());
    options.batches = batches;
    options.quirks = batches == 2;
    Generate(options);

    std::set<std::string> top_level;
    for (const auto& entry : fs::directory_iterator(out.path())) {
      top_level.insert(entry.path().filename().string());
    }
    CHECK(top_level == std::set<std::string>{"csv", "manifest.tsv"});
    for (int quarter = 1; quarter <= 4; ++quarter) {
      const std::vector<fs::path> files = QuarterCsvFiles(out.path(), quarter);
      // 3 tables x batches, 2 late files, 1 copy.
      CHECK(files.size() == 3 * batches + 3);
      for (const fs::path& file : files) {
        const std::string name = file.filename().string();
        CHECK_MESSAGE(IsInputFileName(name), name);
        CHECK_MESSAGE(name.find("_" + std::to_string(quarter)) != std::string::npos, name);
      }
    }
    if (batches == 12) {
      // Zero-padded, so that path order is batch order.
      CHECK(fs::exists(out.path() / "csv/3/clicks_3_b02.csv"));
      CHECK(fs::exists(out.path() / "csv/3/clicks_3_b12.csv"));
    }
  }
}

TEST_CASE("the manifest plans the X boundaries in every quarter, with different lists") {
  TempDir out;
  Generate(SmallOptions(out.path()));
  const Manifest manifest = ReadManifest(out.path());
  REQUIRE(manifest.size() == 4);
  std::set<std::pair<uint64_t, uint64_t>> first_quarter;
  for (const auto& [quarter, campaigns] : manifest) {
    CAPTURE(quarter);
    std::set<uint64_t> xs;
    std::set<std::string> cases;
    std::set<std::pair<uint64_t, uint64_t>> campaign_x;
    for (const auto& [campaign, entry] : campaigns) {
      xs.insert(entry.planned_x);
      cases.insert(entry.case_name);
      campaign_x.insert({campaign, entry.planned_x});
    }
    for (uint64_t boundary : {0, 1, 4, 5, 9, 10, 11}) CHECK_MESSAGE(xs.count(boundary), boundary);
    CHECK(*xs.rbegin() >= 12);
    CHECK(cases.count("bulk") == 1);
    CHECK(cases.size() > 20);
    CHECK(campaigns.count(kMaxId) == 1);
    if (quarter == 1) {
      first_quarter = campaign_x;
    } else {
      CHECK(campaign_x != first_quarter);
    }
  }
}

TEST_CASE("planned X matches X recomputed from the CSV files, in either layout") {
  struct Variant {
    const char* name;
    bool quirks;
    uint32_t batches, bad_rows, campaigns;
    double size_mb;
    uint64_t seed;
  };
  const Variant variants[] = {
      {"defaults", false, 1, 0, 0, banner::synthetic::kDefaultSizeMb, 1},
      {"quirks, batches and bad rows", true, 4, 13, 0, banner::synthetic::kDefaultSizeMb, 7},
      {"larger, many campaigns", false, 2, 0, 60, 2, 1},
      {"more campaigns than the bytes can hold", false, 3, 0, 200, banner::synthetic::kDefaultSizeMb, 1},
  };
  for (const Layout layout : kLayouts) {
    for (const Variant& v : variants) {
      CAPTURE(LayoutName(layout));
      CAPTURE(v.name);
      TempDir out;
      Options options = SmallOptions(out.path(), layout);
      options.quirks = v.quirks;
      options.batches = v.batches;
      options.bad_rows = v.bad_rows;
      options.campaigns = v.campaigns;
      options.size_mb = v.size_mb;
      options.seed = v.seed;
      Generate(options);
      CheckPlannedX(out.path());
    }
  }
}

TEST_CASE("interleaved (default): time order, campaigns mixed, ids increase, conversions follow clicks") {
  TempDir out;
  Options options = SmallOptions(out.path());
  options.size_mb = 4;
  options.batches = 4;
  Generate(options);
  for (int quarter = 1; quarter <= 4; ++quarter) {
    CAPTURE(quarter);
    const std::vector<TimedRow> clicks = BatchRows(out.path(), quarter, "clicks");
    const std::vector<TimedRow> conversions = BatchRows(out.path(), quarter, "conversions");
    const std::vector<TimedRow> impressions = BatchRows(out.path(), quarter, "impressions");
    CHECK(SameCampaignShare(clicks) < 0.15);
    CHECK(SameCampaignShare(impressions) < 0.15);

    // Every new id (not a repeat, not one of the planted large ids) is
    // larger than every id before it, across the batch files in path order.
    auto check_increasing = [](const std::vector<TimedRow>& rows, const char* column) {
      std::set<uint64_t> seen;
      uint64_t last = 0;
      size_t out_of_order = 0;
      for (const TimedRow& row : rows) {
        const uint64_t id = row.values.at(column);
        if (id >= (1ull << 40) || !seen.insert(id).second) continue;
        out_of_order += id <= last;
        last = id;
      }
      CHECK_MESSAGE(out_of_order == 0, column);
      CHECK(seen.size() > 1000);
    };
    check_increasing(clicks, "click_id");
    check_increasing(conversions, "conversion_id");

    // A conversion comes in the batch of its click or a later one.
    std::map<uint64_t, uint32_t> click_batch;
    for (const TimedRow& row : clicks) click_batch.emplace(row.values.at("click_id"), row.batch);
    size_t followed = 0, later_batch = 0;
    for (const TimedRow& row : conversions) {
      const auto click = click_batch.find(row.values.at("click_id"));
      if (click == click_batch.end()) continue;  // orphan, or a late click
      CHECK(click->second <= row.batch);
      ++followed;
      later_batch += click->second < row.batch;
    }
    CHECK(followed > 1000);
    CHECK(later_batch > 0);  // conversions may come much later than their clicks
  }
}

TEST_CASE("grouped: each campaign's rows together") {
  TempDir out;
  Options options = SmallOptions(out.path(), Layout::kGrouped);
  options.size_mb = 4;
  Generate(options);
  for (int quarter = 1; quarter <= 4; ++quarter) {
    CAPTURE(quarter);
    std::vector<TimedRow> bulk_clicks;
    for (TimedRow& row : BatchRows(out.path(), quarter, "clicks")) {
      if (IsBulkCampaign(row.values.at("campaign_id"))) bulk_clicks.push_back(std::move(row));
    }
    CHECK(SameCampaignShare(bulk_clicks) > 0.9);
  }
}

TEST_CASE("cardinalities follow --size-mb: 10 bulk campaigns per MB, tens of banners, long-tailed clicks") {
  TempDir out;
  Options options = SmallOptions(out.path());
  options.size_mb = 6;
  Generate(options);
  for (int quarter = 1; quarter <= 4; ++quarter) {
    CAPTURE(quarter);
    std::map<uint64_t, std::set<uint64_t>> banners;  // bulk campaign -> banners
    std::map<uint64_t, uint64_t> clicks;             // bulk campaign -> click rows
    for (const char* table : {"impressions", "clicks"}) {
      for (const TimedRow& row : BatchRows(out.path(), quarter, table)) {
        const uint64_t campaign = row.values.at("campaign_id");
        if (!IsBulkCampaign(campaign)) continue;
        banners[campaign].insert(row.values.at("banner_id"));
        if (std::string(table) == "clicks") ++clicks[campaign];
      }
    }
    CHECK(banners.size() == 60);
    uint64_t total_banners = 0;
    for (const auto& [campaign, ids] : banners) {
      CHECK(ids.size() >= 10);
      CHECK(ids.size() <= 84);
      total_banners += ids.size();
    }
    CHECK(total_banners / banners.size() >= 30);
    CHECK(total_banners / banners.size() <= 50);
    std::vector<uint64_t> per_campaign;
    uint64_t total_clicks = 0;
    for (const auto& [campaign, n] : clicks) {
      per_campaign.push_back(n);
      total_clicks += n;
    }
    std::sort(per_campaign.rbegin(), per_campaign.rend());
    const uint64_t top_tenth = std::accumulate(per_campaign.begin(), per_campaign.begin() + 6, uint64_t{0});
    // Equal shares would give the busiest tenth 10% of the clicks.
    CHECK(top_tenth * 5 > total_clicks);
    CHECK(per_campaign.front() > 3 * per_campaign[per_campaign.size() / 2]);
  }
}

TEST_CASE("ids reach above 2^32 and up to 2^63-1, revenue up to 10^12") {
  TempDir out;
  Generate(SmallOptions(out.path()));
  uint64_t max_id = 0;
  uint64_t max_revenue = 0;
  size_t ids_above_2_32 = 0;
  for (int quarter = 1; quarter <= 4; ++quarter) {
    for (const fs::path& file : QuarterCsvFiles(out.path(), quarter)) {
      const CsvFile csv = ReadCsv(file);
      for (const auto& row : csv.rows) {
        std::map<std::string, uint64_t> values;
        REQUIRE(ParseRow(csv, row, &values));
        for (const auto& [name, value] : values) {
          if (name == "revenue") {
            max_revenue = std::max(max_revenue, value);
          } else {
            max_id = std::max(max_id, value);
            if (value > (1ull << 32)) ++ids_above_2_32;
          }
        }
      }
    }
  }
  CHECK(max_id == kMaxId);
  CHECK(max_revenue == kMaxRevenueMicros);
  CHECK(ids_above_2_32 > 10);
}

TEST_CASE("--quirks writes BOM, CRLF, quotes, reordered and extra columns, no final newline") {
  auto survey = [](const fs::path& out) {
    std::map<std::string, int> seen;
    for (int quarter = 1; quarter <= 4; ++quarter) {
      for (const fs::path& file : QuarterCsvFiles(out, quarter)) {
        const std::string content = ReadFile(file);
        const CsvFile csv = ReadCsv(file);
        seen["bom"] += content.rfind("\xEF\xBB\xBF", 0) == 0;
        seen["crlf"] += content.find("\r\n") != std::string::npos;
        seen["quotes"] += content.find('"') != std::string::npos;
        seen["no final newline"] += content.back() != '\n';
        seen["extra column"] +=
            std::find(csv.header.begin(), csv.header.end(), "source") != csv.header.end();
        const bool reordered = csv.header.front() != "banner_id" &&
                               csv.header.front() != "click_id" &&
                               csv.header.front() != "conversion_id";
        seen["reordered"] += reordered;
      }
    }
    return seen;
  };
  TempDir plain;
  Generate(SmallOptions(plain.path()));
  for (const auto& [quirk, files] : survey(plain.path())) CHECK_MESSAGE(files == 0, quirk);

  TempDir quirky;
  Options options = SmallOptions(quirky.path());
  options.quirks = true;
  Generate(options);
  const auto seen = survey(quirky.path());
  CHECK(seen.size() == 6);
  for (const auto& [quirk, files] : seen) CHECK_MESSAGE(files >= 4, quirk);
  // Quirks change the bytes, never the logical data.
  for (int quarter = 1; quarter <= 4; ++quarter) {
    for (const fs::path& file : QuarterCsvFiles(plain.path(), quarter)) {
      const fs::path relative = fs::relative(file, plain.path());
      CHECK_MESSAGE(LogicalRows(file) == LogicalRows(quirky.path() / relative), relative);
    }
  }
  CheckPlannedX(quirky.path());
}

TEST_CASE("--bad-rows injects exactly that many unparseable rows") {
  for (uint32_t bad_rows : {0u, 1u, 6u, 13u}) {
    CAPTURE(bad_rows);
    TempDir out;
    Options options = SmallOptions(out.path());
    options.bad_rows = bad_rows;
    options.quirks = bad_rows == 13;
    Generate(options);
    CHECK(CountBadRows(out.path()) == bad_rows);
  }
}

TEST_CASE("--size-mb is honoured within 20%, the default is a small sample") {
  TempDir small;
  const banner::synthetic::Summary summary = Generate(SmallOptions(small.path()));
  CHECK(summary.csv_bytes == TotalCsvBytes(small.path()));
  CHECK(summary.csv_bytes > 100'000);
  CHECK(summary.csv_bytes < 500'000);

  for (double size_mb : {1.0, 6.0}) {
    CAPTURE(size_mb);
    TempDir out;
    Options options = SmallOptions(out.path());
    options.size_mb = size_mb;
    options.batches = 3;
    Generate(options);
    const double bytes = static_cast<double>(TotalCsvBytes(out.path()));
    CHECK(bytes > size_mb * 1e6 * 0.8);
    CHECK(bytes < size_mb * 1e6 * 1.2);
  }
}

TEST_CASE("bad options are refused") {
  TempDir out;
  Options options = SmallOptions(out.path());
  options.batches = 0;
  CHECK_THROWS_AS(Generate(options), std::invalid_argument);
  options.batches = 1;
  options.size_mb = 0;
  CHECK_THROWS_AS(Generate(options), std::invalid_argument);
  options.size_mb = 1;
  options.out_dir.clear();
  CHECK_THROWS_AS(Generate(options), std::invalid_argument);
}
