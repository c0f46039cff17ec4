#include "compiler.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <set>

#include "test_support.h"

namespace banner {
using test::CompileOk;
using test::Lists;
using test::TempDir;
using test::WriteFile;

namespace {

const FileReport& FileNamed(const CompileResult& r, const std::string& path) {
  for (const FileReport& f : r.files) {
    if (f.record.path == path) return f;
  }
  FAIL("no report for " << path);
  return r.files.front();
}

std::vector<uint64_t> Banners(const CompileResult& r, int q, uint64_t campaign) {
  for (const CampaignResult& c : r.lists[q - 1]) {
    if (c.campaign_id != campaign) continue;
    std::vector<uint64_t> ids;
    for (const auto& b : c.list.banners) ids.push_back(b.banner_id);
    return ids;
  }
  return {};
}

struct Rejection {
  std::string file;
  uint64_t line;
  RejectKind kind;
  std::string reason, text;
};

CompileResult CompileCollecting(const std::string& dir, std::vector<Rejection>* rejected, CompileOptions options = {}) {
  options.reject_bad_rows = true;
  options.on_reject = [rejected](const RejectedRow& r) {
    rejected->push_back({r.file, r.line, r.kind, r.reason, std::string(r.text)});
  };
  return CompileOk(dir, options);
}

}  // namespace

TEST_CASE("clicks: repeated rows are dropped and counted, conflicts keep the first in path order") {
  TempDir d;
  WriteFile(d / "1/clicks_1.csv", "click_id,banner_id,campaign_id\n1,10,7\n1,10,7\n2,11,7\n");
  // A later batch: click 2 again with another banner (conflict), click 1 repeated.
  WriteFile(d / "1/clicks_1_b.csv", "click_id,banner_id,campaign_id\n2,99,7\n1,10,7\n3,12,8\n");
  std::vector<Rejection> rejected;
  const CompileResult r = CompileCollecting(d.path(), &rejected);

  const InputRecord& a = FileNamed(r, "1/clicks_1.csv").record;
  CHECK(a.rows_read == 3);
  CHECK(a.rows_kept == 2);
  CHECK(a.rows_duplicate == 1);
  CHECK(a.rows_rejected == 0);
  const InputRecord& b = FileNamed(r, "1/clicks_1_b.csv").record;
  CHECK(b.rows_read == 3);
  CHECK(b.rows_kept == 1);
  CHECK(b.rows_duplicate == 1);
  CHECK(b.rows_rejected == 1);

  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0].file == "1/clicks_1_b.csv");
  CHECK(rejected[0].line == 2);
  CHECK(rejected[0].kind == RejectKind::kConflict);
  CHECK(rejected[0].text == "2,99,7");
  CHECK(rejected[0].reason.find("click_id 2 was first seen with banner_id 11, campaign_id 7") != std::string::npos);
  // The conflicting row added no banner: campaign 7 has banners 10 and 11 only.
  CHECK(Banners(r, 1, 7) == std::vector<uint64_t>{10, 11});
  CHECK(r.conflicts == 1);
}

TEST_CASE("conversions: duplicates, conflicts and orphans") {
  TempDir d;
  WriteFile(d / "2/clicks_2.csv", "click_id,banner_id,campaign_id\n1,10,7\n2,11,7\n");
  WriteFile(d / "2/conversions_2.csv",
            "conversion_id,click_id,revenue\n"
            "100,1,1.000000\n"
            "100,1,1.000000\n"   // duplicate
            "100,2,5.000000\n"   // conflict: another click
            "101,1,2.000000\n"
            "101,1,2.500000\n"   // conflict: another revenue
            "102,999,50.0\n");   // orphan
  // Quarters are independent: click 2 of quarter 2 means nothing in quarter 3.
  WriteFile(d / "3/clicks_3.csv", "click_id,banner_id,campaign_id\n5,20,7\n");
  WriteFile(d / "3/conversions_3.csv", "conversion_id,click_id,revenue\n200,2,1.0\n");
  std::vector<Rejection> rejected;
  const CompileResult r = CompileCollecting(d.path(), &rejected);

  const InputRecord& c = FileNamed(r, "2/conversions_2.csv").record;
  CHECK(c.rows_read == 6);
  CHECK(c.rows_kept == 2);
  CHECK(c.rows_duplicate == 1);
  CHECK(c.rows_rejected == 3);
  REQUIRE(rejected.size() == 4);
  CHECK(rejected[0].line == 4);
  CHECK(rejected[0].kind == RejectKind::kConflict);
  CHECK(rejected[1].line == 6);
  CHECK(rejected[1].kind == RejectKind::kConflict);
  CHECK(rejected[2].line == 7);
  CHECK(rejected[2].kind == RejectKind::kOrphan);
  CHECK(rejected[2].reason == "orphan: click_id 999 matches no click of this quarter");
  CHECK(rejected[3].file == "3/conversions_3.csv");
  CHECK(rejected[3].kind == RejectKind::kOrphan);
  CHECK(r.orphans == 2);
  CHECK(r.conflicts == 2);

  REQUIRE(r.lists[1].size() == 1);
  const RankedList& l = r.lists[1][0].list;
  CHECK(l.x == 1);  // only banner 10 converted: 1.0 + 2.0, orphan never attributed
  CHECK(l.banners[0].banner_id == 10);
  CHECK(l.banners[0].revenue == 3000000);
  REQUIRE(r.lists[2].size() == 1);
  CHECK(r.lists[2][0].list.x == 0);
}

TEST_CASE("a byte-identical file is skipped and reported; importing twice changes nothing") {
  TempDir once, twice;
  const std::string clicks = "click_id,banner_id,campaign_id\n1,10,7\n2,11,7\n";
  const std::string conv = "conversion_id,click_id,revenue\n1,1,2.5\n";
  WriteFile(once / "clicks_1.csv", clicks);
  WriteFile(once / "conversions_1.csv", conv);
  WriteFile(twice / "a/clicks_1.csv", clicks);
  WriteFile(twice / "b/clicks_1_again.csv", clicks);
  WriteFile(twice / "conversions_1.csv", conv);
  WriteFile(twice / "conversions_1_copy.csv", conv);
  const CompileResult r1 = CompileOk(once.path());
  const CompileResult r2 = CompileOk(twice.path());
  CHECK(Lists(r1) == Lists(r2));
  CHECK(r2.lists[0][0].list.banners[0].revenue == 2500000);  // not doubled
  const FileReport& dup = FileNamed(r2, "b/clicks_1_again.csv");
  CHECK(dup.record.duplicate_file);
  CHECK(dup.duplicate_of == "a/clicks_1.csv");
  CHECK(dup.record.rows_read == 0);
  CHECK(FileNamed(r2, "conversions_1_copy.csv").record.duplicate_file);
}

TEST_CASE("identical bytes in different quarters are different data, not duplicates") {
  TempDir d;
  WriteFile(d / "clicks_1.csv", "click_id,banner_id,campaign_id\n1,10,7\n");
  WriteFile(d / "clicks_2.csv", "click_id,banner_id,campaign_id\n1,10,7\n");
  const CompileResult r = CompileOk(d.path());
  CHECK(r.lists[0].size() == 1);
  CHECK(r.lists[1].size() == 1);
}

TEST_CASE("input file names that fit no pattern are an error listing every one") {
  TempDir d;
  WriteFile(d / "clicks_1.csv", "click_id,banner_id,campaign_id\n1,10,7\n");
  WriteFile(d / "notes.txt", "x");
  WriteFile(d / "sub/clicks_5.csv", "x");
  WriteFile(d / "sub/clicks_1x.csv", "x");
  CompileOptions o;
  o.input_dir = d.path();
  CompileResult r;
  const Status s = Compile(o, &r);
  REQUIRE(!s.ok());
  CHECK(s.message().find("notes.txt") != std::string::npos);
  CHECK(s.message().find("sub/clicks_5.csv") != std::string::npos);
  CHECK(s.message().find("sub/clicks_1x.csv") != std::string::npos);

  TempDir empty;
  o.input_dir = empty.path();
  CHECK(Compile(o, &r).message().find("no input CSV files") != std::string::npos);
  o.input_dir = empty / "missing";
  CHECK(Compile(o, &r).message().find("not a directory") != std::string::npos);
}

TEST_CASE("unparseable rows fail the compile with file:line, unless they are set aside") {
  TempDir d;
  WriteFile(d / "1/clicks_1.csv", "click_id,banner_id,campaign_id\n1,10,7\nx,10,7\n2,11,7\n");
  CompileOptions o;
  o.input_dir = d.path();
  CompileResult r;
  const Status s = Compile(o, &r);
  REQUIRE(!s.ok());
  CHECK(s.message().find("--rejects") != std::string::npos);
  REQUIRE(r.bad_row_examples.size() == 1);
  CHECK(r.bad_row_examples[0] == "1/clicks_1.csv:3: click_id is not a non-negative integer: 'x'");

  std::vector<Rejection> rejected;
  const CompileResult ok = CompileCollecting(d.path(), &rejected);
  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0].kind == RejectKind::kBad);
  CHECK(rejected[0].text == "x,10,7");
  CHECK(FileNamed(ok, "1/clicks_1.csv").record.rows_kept == 2);
  CHECK(FileNamed(ok, "1/clicks_1.csv").record.rows_rejected == 1);
}

TEST_CASE("results do not depend on row order, file split, threads or chunk size") {
  std::mt19937_64 rng(7);
  std::vector<std::string> clicks, conversions, impressions;
  for (int i = 0; i < 3000; ++i) {
    const uint64_t campaign = rng() % 20, banner = rng() % 15;
    clicks.push_back(std::to_string(i) + "," + std::to_string(banner) + "," + std::to_string(campaign));
    if (rng() % 4 == 0) {
      conversions.push_back(std::to_string(i) + "," + std::to_string(i) + "," + std::to_string(rng() % 5) + "." +
                            std::to_string(100000 + rng() % 900000));
    }
    impressions.push_back(std::to_string(rng() % 40) + "," + std::to_string(campaign));
  }
  auto write = [](const TempDir& d, std::vector<std::string> rows, const std::string& kind, const std::string& header,
                  std::mt19937_64* shuffle, int parts) {
    if (shuffle) std::shuffle(rows.begin(), rows.end(), *shuffle);
    for (int p = 0; p < parts; ++p) {
      std::string body = header + "\n";
      for (size_t i = p; i < rows.size(); i += parts) body += rows[i] + "\n";
      WriteFile(d / (kind + "_4_part" + std::to_string(p) + ".csv"), body);
    }
  };
  TempDir a, b;
  write(a, clicks, "clicks", "click_id,banner_id,campaign_id", nullptr, 1);
  write(a, conversions, "conversions", "conversion_id,click_id,revenue", nullptr, 1);
  write(a, impressions, "impressions", "banner_id,campaign_id", nullptr, 1);
  std::mt19937_64 shuffle(99);
  write(b, clicks, "clicks", "click_id,banner_id,campaign_id", &shuffle, 3);
  write(b, conversions, "conversions", "conversion_id,click_id,revenue", &shuffle, 2);
  write(b, impressions, "impressions", "banner_id,campaign_id", &shuffle, 4);

  const auto expected = Lists(CompileOk(a.path()));
  CHECK(expected.size() == 20);
  CHECK(Lists(CompileOk(b.path())) == expected);
  CompileOptions small_chunks;
  small_chunks.chunk_bytes = 256;
  small_chunks.threads = 2;
  CHECK(Lists(CompileOk(b.path(), small_chunks)) == expected);
  // One thread merges the quarters one after another; more threads merge as
  // many quarters at once, their chunks parsed in turn.
  for (const unsigned threads : {1u, 3u, 4u, 8u}) {
    CompileOptions o;
    o.threads = threads;
    o.chunk_bytes = 512;
    CHECK(Lists(CompileOk(b.path(), o)) == expected);
  }
}

// Rows interleave as in real logs: each row's campaign and banner are drawn
// at random, click ids mostly increase.
TEST_CASE("randomised inputs with duplicates, conflicts and orphans match the reference model") {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    CAPTURE(seed);
    std::mt19937_64 rng(seed);
    TempDir d;
    for (int q = 1; q <= 4; ++q) {
      const int files = 1 + static_cast<int>(rng() % 3);
      uint64_t next_click = 0;
      for (int f = 0; f < files; ++f) {
        std::string clicks = "click_id,banner_id,campaign_id\n";
        std::string conv = "conversion_id,click_id,revenue\n";
        std::string imp = "banner_id,campaign_id\n";
        const int n = 50 + static_cast<int>(rng() % 300);
        for (int i = 0; i < n; ++i) {
          // Reuse old click ids sometimes: duplicates or conflicts.
          const uint64_t click = rng() % 8 == 0 && next_click > 0 ? rng() % next_click : next_click++;
          clicks += std::to_string(click) + "," + std::to_string(rng() % 14) + "," + std::to_string(rng() % 6) + "\n";
          if (rng() % 3 == 0) {
            const uint64_t target = rng() % (next_click + 5);  // some orphans
            conv += std::to_string(rng() % 400) + "," + std::to_string(target) + "," + std::to_string(rng() % 3) +
                    "." + std::to_string(rng() % 10) + "\n";
          }
          if (rng() % 2 == 0) imp += std::to_string(rng() % 20) + "," + std::to_string(rng() % 7) + "\n";
        }
        const std::string suffix = f == 0 ? "" : "_" + std::to_string(f);
        WriteFile(d / (std::to_string(q) + "/clicks_" + std::to_string(q) + suffix + ".csv"), clicks);
        WriteFile(d / (std::to_string(q) + "/conversions_" + std::to_string(q) + suffix + ".csv"), conv);
        WriteFile(d / (std::to_string(q) + "/impressions_" + std::to_string(q) + suffix + ".csv"), imp);
      }
    }
    CompileOptions o;
    o.seed = seed;
    o.chunk_bytes = 512;
    o.threads = 1 + static_cast<unsigned>(seed % 4);  // 1 to 4 quarters merged at once
    const CompileResult r = CompileOk(d.path(), o);
    const auto expected = test::ReferenceModel(d.path());
    const auto got = Lists(r);
    REQUIRE(got.size() == expected.size());
    for (const auto& [key, e] : expected) {
      CAPTURE(key.first);
      CAPTURE(key.second);
      const test::SimpleList& g = got.at(key);
      CHECK(g.x == e.x);
      CHECK(g.rule == e.rule);
      REQUIRE(g.banner_ids.size() == e.size);
      CHECK(std::vector<uint64_t>(g.banner_ids.begin(), g.banner_ids.begin() + e.fixed_banners.size()) ==
            e.fixed_banners);
      const std::set<uint64_t> pool(e.fill_pool.begin(), e.fill_pool.end());
      for (size_t i = e.fixed_banners.size(); i < g.banner_ids.size(); ++i) CHECK(pool.count(g.banner_ids[i]) == 1);
      CHECK(std::set<uint64_t>(g.banner_ids.begin(), g.banner_ids.end()).size() == g.banner_ids.size());
    }
  }
}

}  // namespace banner
