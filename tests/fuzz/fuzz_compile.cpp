// Fuzzes the whole compile: a temporary folder holding the fuzzed bytes as one
// or two CSV files goes through Compile(), like `bannerc build`.
//
// Input (read with FuzzedDataProvider): the first file's bytes, then the
// second's; the last bytes pick the two file names (a kind and quarter, or a
// name that must be refused), whether the second file exists, whether bad
// rows are rejected rather than fatal, and a chunk size (1..4096 bytes). Checks:
//  - a compile with tiny chunks and one with the default 4 MiB chunks agree
//    exactly (status, counts, lists): the result never depends on chunking;
//  - row accounting: kept + duplicate + rejected = read, per file; the
//    on_reject callback sees exactly the counted rejects;
//  - every list has 1..10 distinct banners, a rule that matches X, and the
//    ranking order of SPEC section 3;
//  - the lists written with IndexWriter read back identically through
//    IndexReader::FromBytes.
#include <fuzzer/FuzzedDataProvider.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "compiler.h"
#include "index_reader.h"
#include "index_writer.h"
#include "fuzz_check.h"

namespace {

using namespace banner;
namespace fs = std::filesystem;

std::string g_dir;  // the input folder, emptied before each run

// File names the fuzzer can pick: every kind and quarter, plus names the
// compiler must refuse.
const char* const kNames[] = {
    "clicks_1.csv",      "conversions_1.csv", "impressions_1.csv", "clicks_2.csv",
    "conversions_2.csv", "impressions_2.csv", "clicks_3_late.csv", "conversions_3_b.csv",
    "impressions_4.csv", "clicks_4.csv",      "conversions_4.csv", "impressions_1_2024.csv",
    "clicks_5.csv",      "notes.txt",         "Clicks_1.csv",      "clicks_1.CSV",
};
constexpr size_t kNameCount = sizeof kNames / sizeof kNames[0];

void WriteFile(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  FUZZ_CHECK(out.good());
}

struct Outcome {
  Status status;
  CompileResult result;
  uint64_t rejects_seen = 0;
};

Outcome Run(bool reject_bad_rows, size_t chunk_bytes) {
  Outcome o;
  CompileOptions options;
  options.input_dir = g_dir;
  options.seed = 7;
  options.reject_bad_rows = reject_bad_rows;
  options.threads = 1;
  options.chunk_bytes = chunk_bytes;
  options.on_reject = [&o](const RejectedRow& row) {
    ++o.rejects_seen;
    FUZZ_CHECK(row.line >= 2);  // line 1 is the header
    FUZZ_CHECK(!row.reason.empty());
    // A record holds a line break only inside quotes (RFC 4180).
    FUZZ_CHECK(row.text.find('\n') == std::string_view::npos || row.text.find('"') < row.text.find('\n'));
  };
  o.status = Compile(options, &o.result);
  return o;
}

// Revenue desc, clicks desc, banner_id asc.
bool RevenueOrder(const BannerStats& a, const BannerStats& b) {
  if (a.revenue != b.revenue) return a.revenue > b.revenue;
  if (a.clicks != b.clicks) return a.clicks > b.clicks;
  return a.banner_id < b.banner_id;
}

void CheckList(const RankedList& list) {
  const auto& b = list.banners;
  FUZZ_CHECK(!b.empty() && b.size() <= 10);
  std::set<uint64_t> ids;
  for (const auto& s : b) ids.insert(s.banner_id);
  FUZZ_CHECK(ids.size() == b.size());
  switch (list.rule) {
    case Rule::kTop10ByRevenue:
      FUZZ_CHECK(list.x >= 10 && b.size() == 10);
      break;
    case Rule::kAllConvertedByRevenue:
      FUZZ_CHECK(list.x >= 5 && list.x <= 9 && b.size() == list.x);
      break;
    case Rule::kConvertedThenClicks:
      FUZZ_CHECK(list.x >= 1 && list.x <= 4 && b.size() >= list.x && b.size() <= 5);
      break;
    case Rule::kTopByClicks:
      FUZZ_CHECK(list.x == 0 && b.size() <= 5);
      break;
    default:
      FUZZ_CHECK(false);
  }
  // The converted banners come first, by revenue.
  const size_t converted = std::min<size_t>(list.x, b.size());
  for (size_t i = 1; i < converted; ++i) FUZZ_CHECK(RevenueOrder(b[i - 1], b[i]));
  // Then the unconverted ones by clicks (revenue 0 for all of them); the
  // random fill (clicks 0) is last and in no particular order.
  for (size_t i = converted; i < b.size(); ++i) FUZZ_CHECK(b[i].revenue == 0);
  for (size_t i = converted + 1; i < b.size(); ++i) {
    if (b[i].clicks == 0) break;
    FUZZ_CHECK(b[i - 1].clicks > b[i].clicks ||
               (b[i - 1].clicks == b[i].clicks && b[i - 1].banner_id < b[i].banner_id));
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  char tmpl[] = "/tmp/fuzz_compile.XXXXXX";
  FUZZ_CHECK(mkdtemp(tmpl) != nullptr);
  g_dir = tmpl;
  std::atexit([] {
    std::error_code ec;
    fs::remove_all(g_dir, ec);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider fdp(data, size);
  const std::string first = fdp.ConsumeRandomLengthString(1 << 16);
  const std::string second = fdp.ConsumeRandomLengthString(1 << 16);
  const size_t name_a = fdp.ConsumeIntegralInRange<size_t>(0, kNameCount - 1);
  const size_t name_b = fdp.ConsumeIntegralInRange<size_t>(0, kNameCount - 1);
  const bool two_files = fdp.ConsumeBool();
  const bool reject_bad_rows = fdp.ConsumeBool();
  const size_t chunk_bytes = fdp.ConsumeIntegralInRange<size_t>(1, 4096);

  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(g_dir)) fs::remove_all(entry.path(), ec);
  WriteFile(fs::path(g_dir) / "a" / kNames[name_a], first);
  if (two_files) WriteFile(fs::path(g_dir) / "b" / kNames[name_b], second);

  Outcome small = Run(reject_bad_rows, chunk_bytes);
  Outcome big = Run(reject_bad_rows, 4 << 20);
  FUZZ_CHECK(small.status.ok() == big.status.ok());
  FUZZ_CHECK(small.status.message() == big.status.message());
  if (!small.status.ok()) {
    FUZZ_CHECK(!small.status.message().empty());
    return 0;
  }
  const CompileResult& r = small.result;
  FUZZ_CHECK(r.files.size() == (two_files ? 2u : 1u));
  FUZZ_CHECK(r.bad_rows == big.result.bad_rows && r.conflicts == big.result.conflicts &&
             r.orphans == big.result.orphans);
  FUZZ_CHECK(r.bad_row_examples == big.result.bad_row_examples);
  FUZZ_CHECK(r.reject_examples == big.result.reject_examples);
  FUZZ_CHECK(small.rejects_seen == r.bad_rows + r.conflicts + r.orphans);
  FUZZ_CHECK(reject_bad_rows || r.bad_rows == 0);
  uint64_t bad = 0, conflicts = 0, orphans = 0;
  for (size_t i = 0; i < r.files.size(); ++i) {
    const FileReport& f = r.files[i];
    const InputRecord& a = f.record;
    const InputRecord& b = big.result.files[i].record;
    FUZZ_CHECK(a.path == b.path && a.hash == b.hash && a.rows_read == b.rows_read &&
               a.rows_kept == b.rows_kept && a.rows_duplicate == b.rows_duplicate &&
               a.rows_rejected == b.rows_rejected && a.duplicate_file == b.duplicate_file);
    FUZZ_CHECK(a.rows_duplicate + a.rows_rejected <= a.rows_read);
    FUZZ_CHECK(a.rows_kept + a.rows_duplicate + a.rows_rejected == a.rows_read);
    FUZZ_CHECK(a.rows_rejected == f.bad_rows + f.conflicts + f.orphans);
    FUZZ_CHECK(!a.duplicate_file || a.rows_read == 0);
    bad += f.bad_rows;
    conflicts += f.conflicts;
    orphans += f.orphans;
  }
  FUZZ_CHECK(bad == r.bad_rows && conflicts == r.conflicts && orphans == r.orphans);

  // The lists: well formed, chunking-independent, and they survive the index.
  IndexWriter writer(7);
  for (const FileReport& f : r.files) writer.AddInput(f.record);
  for (int q = 1; q <= kQuarters; ++q) {
    const auto& lists = r.lists[q - 1];
    const auto& other = big.result.lists[q - 1];
    FUZZ_CHECK(lists.size() == other.size());
    for (size_t i = 0; i < lists.size(); ++i) {
      const CampaignResult& c = lists[i];
      FUZZ_CHECK(i == 0 || lists[i - 1].campaign_id < c.campaign_id);
      FUZZ_CHECK(c.campaign_id == other[i].campaign_id && c.list.x == other[i].list.x &&
                 c.list.rule == other[i].list.rule);
      FUZZ_CHECK(c.list.banners == other[i].list.banners);
      CheckList(c.list);
      writer.AddList(q, c.campaign_id, c.list.x, c.list.rule, c.list.banners);
    }
  }
  const std::string bytes = writer.Finish();
  Status st;
  auto index = IndexReader::FromBytes(bytes, &st);
  FUZZ_CHECK(index != nullptr);
  FUZZ_CHECK(index->inputs().size() == r.files.size());
  for (int q = 1; q <= kQuarters; ++q) {
    const auto& lists = r.lists[q - 1];
    FUZZ_CHECK(index->campaign_count(q) == lists.size());
    for (const CampaignResult& c : lists) {
      CampaignList got;
      FUZZ_CHECK(index->Find(q, c.campaign_id, &got));
      FUZZ_CHECK(got.x() == c.list.x && got.rule() == c.list.rule && got.size() == c.list.banners.size());
      for (size_t j = 0; j < got.size(); ++j) FUZZ_CHECK(got.banner(j) == c.list.banners[j]);
    }
  }
  return 0;
}
