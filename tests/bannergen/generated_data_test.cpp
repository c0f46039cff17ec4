// bannergen's data through the compiler: every planned X is met, and the
// lists equal the reference model's, with and without spreadsheet quirks.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "test_support.h"
#include "synthetic_data.h"

namespace banner {
namespace {

std::map<test::QuarterCampaign, uint32_t> PlannedX(const std::string& manifest) {
  std::map<test::QuarterCampaign, uint32_t> planned;
  std::ifstream in(manifest);
  int q;
  uint64_t campaign;
  uint32_t x;
  std::string rest;
  while (in >> q >> campaign >> x && std::getline(in, rest)) planned[{q, campaign}] = x;
  return planned;
}

// Generates with `o`, compiles, and checks every planned X and every list
// against the reference model; all four rules must occur.
void CheckAgainstReference(synthetic::Options o) {
  test::TempDir d;
  o.out_dir = d.path();
  synthetic::Generate(o);

  CompileOptions options;
  options.chunk_bytes = 4096;  // many chunks: exercise the ordered merge
  options.seed = 3;
  const CompileResult r = test::CompileOk(d / "csv", options);
  CHECK(r.conflicts > 0);
  CHECK(r.orphans > 0);
  const auto got = test::Lists(r);
  const auto planned = PlannedX(d / "manifest.tsv");
  REQUIRE(got.size() == planned.size());
  std::set<Rule> rules;
  for (const auto& [key, x] : planned) {
    CAPTURE(key.first);
    CAPTURE(key.second);
    CHECK(got.at(key).x == x);
    rules.insert(got.at(key).rule);
  }
  CHECK(rules.size() == 4);

  const auto expected = test::ReferenceModel(d / "csv");
  for (const auto& [key, e] : expected) {
    const test::SimpleList& g = got.at(key);
    CHECK(std::vector<uint64_t>(g.banner_ids.begin(), g.banner_ids.begin() + e.fixed_banners.size()) ==
          e.fixed_banners);
    CHECK(g.banner_ids.size() == e.size);
  }
}

}  // namespace

TEST_CASE("generated data, interleaved and grouped: planned X, the reference model and all four rules") {
  for (const auto layout : {synthetic::Layout::kInterleaved, synthetic::Layout::kGrouped}) {
    for (const bool quirks : {false, true}) {
      for (const uint32_t batches : {1u, 3u}) {
        CAPTURE(layout == synthetic::Layout::kGrouped);
        CAPTURE(quirks);
        CAPTURE(batches);
        synthetic::Options o;
        o.seed = batches + (quirks ? 10 : 0);
        o.layout = layout;
        o.quirks = quirks;
        o.batches = batches;
        CheckAgainstReference(o);
      }
    }
  }
}

TEST_CASE("generated bad rows: the build fails, or sets exactly those rows aside") {
  test::TempDir d;
  synthetic::Options o;
  o.out_dir = d.path();
  o.bad_rows = 9;
  synthetic::Generate(o);
  CompileOptions options;
  options.input_dir = d / "csv";
  CompileResult r;
  CHECK(!Compile(options, &r).ok());
  CHECK(r.bad_rows == 9);
  uint64_t seen = 0;
  options.reject_bad_rows = true;
  options.on_reject = [&](const RejectedRow& row) { seen += row.kind == RejectKind::kBad; };
  CHECK(Compile(options, &r).ok());
  CHECK(seen == 9);
}

}  // namespace banner
