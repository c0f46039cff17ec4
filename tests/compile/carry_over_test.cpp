// Incremental builds (carry_over.h): which quarters are carried over from the
// previous index, and that a compile that carries them over gives what a
// full compile gives, byte for byte once written.
#include "carry_over.h"

#include <doctest/doctest.h>

#include "index_image.h"
#include "index_writer.h"
#include "test_support.h"

namespace banner {
using test::CompileOk;
using test::TempDir;
using test::WriteFile;

namespace {

InputFile Input(std::string path, FileKind kind, int quarter, uint64_t hash) {
  InputFile in;
  in.relative_path = std::move(path);
  in.name = {kind, quarter};
  in.hash = hash;
  return in;
}

InputRecord Record(const InputFile& in) {
  InputRecord r;
  r.path = in.relative_path;
  r.hash = in.hash;
  r.kind = in.name.kind;
  r.quarter = in.name.quarter;
  r.duplicate_file = in.duplicate_of.has_value();
  r.rows_read = r.rows_kept = 3;
  return r;
}

// An index with one list per quarter that has inputs, built from `records`.
std::unique_ptr<IndexReader> Previous(const std::vector<InputRecord>& records, uint64_t seed = 1) {
  IndexWriter w(seed);
  bool quarter_has_inputs[kQuarters] = {};
  for (const InputRecord& r : records) {
    w.AddInput(r);
    quarter_has_inputs[r.quarter - 1] = true;
  }
  const BannerStats banners[] = {{7, 2, 0}};
  for (int q = 1; q <= kQuarters; ++q) {
    if (quarter_has_inputs[q - 1]) w.AddList(q, 100 + q, 0, Rule::kTopByClicks, banners);
  }
  Status s;
  auto index = IndexReader::FromBytes(w.Finish(), &s);
  REQUIRE_MESSAGE(index != nullptr, s.message());
  return index;
}

struct Inputs {
  Inputs() {
    files.push_back(Input("1/clicks_1.csv", FileKind::kClicks, 1, 11));
    files.push_back(Input("1/impressions_1.csv", FileKind::kImpressions, 1, 12));
    files.push_back(Input("2/clicks_2.csv", FileKind::kClicks, 2, 21));
    files.push_back(Input("3/clicks_3.csv", FileKind::kClicks, 3, 31));
    for (const InputFile& in : files) records.push_back(Record(in));
  }
  CarryOverPlan Plan(uint64_t seed = 1, bool rejects_wanted = false, bool unparseable_fails = true) {
    previous = Previous(records);
    return PlanCarryOver(files, *previous, seed, rejects_wanted, unparseable_fails);
  }
  std::vector<InputFile> files;
  std::vector<InputRecord> records;
  std::unique_ptr<IndexReader> previous;
};

using Quarters = std::array<bool, kQuarters>;

}  // namespace

TEST_CASE("carry over: unchanged quarters are carried, with their previous records; empty ones are not") {
  Inputs in;
  const CarryOverPlan plan = in.Plan();
  CHECK(plan.quarters == Quarters{true, true, true, false});
  REQUIRE(plan.records.size() == in.files.size());
  for (size_t i = 0; i < in.files.size(); ++i) {
    REQUIRE(plan.records[i] != nullptr);
    CHECK(*plan.records[i] == in.records[i]);
  }
}

TEST_CASE("carry over: a changed, added, removed or re-kinded file recompiles its quarter only") {
  SUBCASE("new content") {
    Inputs in;
    in.files[2].hash = 99;
    CHECK(in.Plan().quarters == Quarters{true, false, true, false});
  }
  SUBCASE("a new batch") {
    Inputs in;
    in.files.push_back(Input("2/clicks_2_b2.csv", FileKind::kClicks, 2, 22));
    const CarryOverPlan plan = in.Plan();
    CHECK(plan.quarters == Quarters{true, false, true, false});
    CHECK(plan.records[4] == nullptr);
  }
  SUBCASE("a file gone") {
    Inputs in;
    in.files.erase(in.files.begin() + 1);
    CHECK(in.Plan().quarters == Quarters{false, true, true, false});
  }
  SUBCASE("a file now a duplicate of another") {
    Inputs in;
    in.files[1].duplicate_of = 0;
    CHECK(in.Plan().quarters == Quarters{false, true, true, false});
  }
  SUBCASE("a quarter new since the previous build") {
    Inputs in;
    in.files.push_back(Input("4/clicks_4.csv", FileKind::kClicks, 4, 41));
    CHECK(in.Plan().quarters == Quarters{true, true, true, false});
  }
}

TEST_CASE("carry over: nothing with another seed") {
  Inputs in;
  CHECK(in.Plan(2).quarters == Quarters{});
}

TEST_CASE("carry over: rejected rows recompile their quarter when they must be reported or may fail the build") {
  Inputs in;
  in.records[0].rows_rejected = 1;  // a conflict or an orphan
  CHECK(in.Plan(1, false, true).quarters == Quarters{true, true, true, false});
  CHECK(in.Plan(1, true, false).quarters == Quarters{false, true, true, false});  // --rejects wants them

  in.records[0].unparseable_rows = true;  // set aside by an earlier --rejects
  CHECK(in.Plan(1, false, true).quarters == Quarters{false, true, true, false});  // a full build fails
  CHECK(in.Plan(1, false, false).quarters == Quarters{true, true, true, false});
}

TEST_CASE("CarriedLists reads a quarter's lists back as the compiler returns them") {
  Inputs in;
  in.Plan();
  const std::vector<CampaignResult> lists = CarriedLists(*in.previous, 2);
  REQUIRE(lists.size() == 1);
  CHECK(lists[0].campaign_id == 102);
  CHECK(lists[0].list.rule == Rule::kTopByClicks);
  CHECK(lists[0].list.x == 0);
  REQUIRE(lists[0].list.banners.size() == 1);
  CHECK(lists[0].list.banners[0] == BannerStats{7, 2, 0});
  CHECK(CarriedLists(*in.previous, 4).empty());
}

TEST_CASE("a compile that carries quarters over writes the index a full compile writes") {
  TempDir d;
  const std::string in = d / "in";
  WriteFile(in + "/1/clicks_1.csv", "click_id,banner_id,campaign_id\n1,10,7\n2,11,7\n2,11,7\n3,12,7\n3,13,7\n");
  WriteFile(in + "/1/conversions_1.csv", "conversion_id,click_id,revenue\n1,1,4.5\n2,99,1.0\n");
  WriteFile(in + "/1/impressions_1.csv", "banner_id,campaign_id\n14,7\n15,7\n16,8\n");
  WriteFile(in + "/2/clicks_2.csv", "click_id,banner_id,campaign_id\n1,20,9\n");
  WriteFile(in + "/3/clicks_3.csv", "click_id,banner_id,campaign_id\n1,30,9\n");
  CompileOptions options;
  options.seed = 5;
  const CompileResult first = CompileOk(in, options);
  Status s;
  auto previous = IndexReader::FromBytes(EncodeIndex(first, options.seed), &s);
  REQUIRE(previous != nullptr);

  WriteFile(in + "/2/clicks_2_b2.csv", "click_id,banner_id,campaign_id\n2,21,9\n3,22,10\n");
  const CompileResult full = CompileOk(in, options);
  options.previous = previous.get();
  const CompileResult incremental = CompileOk(in, options);

  CHECK(incremental.carried_over == Quarters{true, false, true, false});
  CHECK(full.carried_over == Quarters{});
  CHECK(EncodeIndex(incremental, options.seed) == EncodeIndex(full, options.seed));
  CHECK(incremental.input_bytes < full.input_bytes);  // only quarter 2 was parsed
  CHECK(incremental.orphans == 0);  // quarter 1's orphan was counted by the first build
  CHECK(full.orphans == 1);
}

}  // namespace banner
