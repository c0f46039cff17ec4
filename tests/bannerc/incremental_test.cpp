// `bannerc build --incremental`, run as a user runs it: whatever it carries
// over, the index (provenance row counts included) and the rejects file are
// byte for byte those of a full build, and a build that must fail still fails.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/files.h"
#include "common/run_program.h"
#include "common/temp_dir.h"

namespace banner {
namespace {
namespace fs = std::filesystem;
using test::ReadFile;
using test::TempDir;
using test::WriteFile;

using Args = std::vector<std::string>;

// Runs bannerc with `args`; *output gets its stdout, then its stderr.
int Bannerc(Args args, std::string* output) {
  args.insert(args.begin(), BANNERC_PATH);
  const test::ProgramRun run = test::RunProgram(args);
  *output = run.out + run.err;
  return run.exit_code;
}

Args Plus(Args a, const Args& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

bool Says(const std::string& output, const std::string& text) { return output.find(text) != std::string::npos; }

constexpr char kCarried[] = "carried over from the previous index, inputs unchanged:";

// The summary's line for these carried-over quarters ("1, 3, 4").
std::string Carried(const std::string& quarters) {
  const bool several = quarters.find(',') != std::string::npos;
  return std::string(kCarried) + (several ? " quarters " : " quarter ") + quarters + "\n";
}

// Builds `in` twice, in full into full.idx and incrementally into inc.idx,
// a copy of `previous` made first, with the same extra flags, and checks the
// two agree byte for byte. Returns the incremental build's output.
std::string BuildBoth(const TempDir& d, const std::string& previous, const Args& flags,
                      const std::string& rejects_flag_name = "") {
  std::string out;
  const auto rejects = [&](const char* which) {
    return rejects_flag_name.empty() ? Args{} : Args{"--rejects", d / (rejects_flag_name + which)};
  };
  fs::copy_file(previous, d / "inc.idx", fs::copy_options::overwrite_existing);
  REQUIRE_MESSAGE(Bannerc(Plus(Plus({"build", d / "in", "-o", d / "full.idx"}, rejects(".full")), flags), &out) == 0,
                  out);
  REQUIRE_MESSAGE(
      Bannerc(Plus(Plus({"build", "--incremental", d / "in", "-o", d / "inc.idx"}, rejects(".inc")), flags), &out) == 0,
      out);
  CHECK(ReadFile(d / "inc.idx") == ReadFile(d / "full.idx"));
  if (!rejects_flag_name.empty()) {
    CHECK(ReadFile(d / (rejects_flag_name + ".inc")) == ReadFile(d / (rejects_flag_name + ".full")));
  }
  return out;
}

}  // namespace

TEST_CASE("incremental: a new batch for one quarter recompiles that quarter, and the index is a full build's") {
  TempDir d;
  fs::copy(SAMPLE_CSV_DIR, d / "in", fs::copy_options::recursive);  // conflicts, orphans, duplicate files
  std::string out;
  REQUIRE(Bannerc({"build", "-q", d / "in", "-o", d / "before.idx"}, &out) == 0);

  WriteFile(d / "in/2/clicks_2_batch2.csv",
            "click_id,banner_id,campaign_id\n9000000001,100200,10000\n9000000002,100201,10000\n");
  out = BuildBoth(d, d / "before.idx", {});
  CHECK(Says(out, Carried("1, 3, 4")));
  CHECK(Says(out, "rejected row(s) were reported by the build that made it"));

  // Nothing new: everything is carried over, still the same bytes.
  out = BuildBoth(d, d / "full.idx", {});
  CHECK(Says(out, Carried("1, 2, 3, 4")));

  // A batch removed: its quarter is recompiled without it.
  fs::remove(d / "in/2/clicks_2_batch2.csv");
  out = BuildBoth(d, d / "full.idx", {});
  CHECK(Says(out, Carried("1, 3, 4")));
  CHECK(ReadFile(d / "full.idx") == ReadFile(d / "before.idx"));
}

TEST_CASE("incremental with --rejects: quarters that had rejected rows are recompiled, so no row is lost") {
  TempDir d;
  WriteFile(d / "in/1/clicks_1.csv", "click_id,banner_id,campaign_id\n1,10,7\n2,11,7\n");
  WriteFile(d / "in/2/clicks_2.csv", "click_id,banner_id,campaign_id\n1,20,8\n");
  WriteFile(d / "in/2/conversions_2.csv", "conversion_id,click_id,revenue\n1,1,2.5\n2,77,1.0\n");  // an orphan
  WriteFile(d / "in/3/clicks_3.csv", "click_id,banner_id,campaign_id\n1,30,9\n");
  std::string out;
  REQUIRE(Bannerc({"build", "-q", d / "in", "-o", d / "before.idx", "--rejects", d / "before.rejects"}, &out) == 0);

  WriteFile(d / "in/3/clicks_3_b2.csv", "click_id,banner_id,campaign_id\n2,31,9\n1,32,9\n");  // a conflict
  out = BuildBoth(d, d / "before.idx", {}, "rejects");
  CHECK(Says(out, Carried("1")));
  const std::string rejects = ReadFile(d / "rejects.inc");
  CHECK(Says(rejects, "2/conversions_2.csv,3,orphan,"));
  CHECK(Says(rejects, "3/clicks_3_b2.csv,3,conflict,"));

  // Without --rejects the orphan needn't be reported again: quarter 2 is carried too.
  out = BuildBoth(d, d / "full.idx", {});
  CHECK(Says(out, Carried("1, 2, 3")));
}

TEST_CASE("incremental: rows an earlier --rejects set aside still fail a build without it") {
  TempDir d;
  WriteFile(d / "in/1/clicks_1.csv", "click_id,banner_id,campaign_id\n1,10,7\n2,11,seven\n");
  WriteFile(d / "in/2/clicks_2.csv", "click_id,banner_id,campaign_id\n1,20,8\n");
  std::string out;
  REQUIRE(Bannerc({"build", "-q", d / "in", "-o", d / "idx", "--rejects", d / "rejects.csv"}, &out) == 0);
  const std::string before = ReadFile(d / "idx");

  CHECK(Bannerc({"build", d / "in", "-o", d / "full.idx"}, &out) == 1);
  CHECK(Bannerc({"build", "--incremental", d / "in", "-o", d / "idx"}, &out) == 1);
  CHECK(Says(out, "1/clicks_1.csv:3: campaign_id is not a non-negative integer: 'seven'"));
  CHECK(ReadFile(d / "idx") == before);
}

TEST_CASE("incremental: another seed, or a previous index that cannot be read, compiles every quarter") {
  TempDir d;
  WriteFile(d / "in/1/clicks_1.csv", "click_id,banner_id,campaign_id\n1,10,7\n2,11,7\n");
  WriteFile(d / "in/1/impressions_1.csv", "banner_id,campaign_id\n12,7\n13,7\n14,7\n15,7\n16,7\n");
  WriteFile(d / "in/4/clicks_4.csv", "click_id,banner_id,campaign_id\n1,40,9\n");
  std::string out;
  REQUIRE(Bannerc({"build", "-q", "--seed", "1", d / "in", "-o", d / "seed1.idx"}, &out) == 0);
  out = BuildBoth(d, d / "seed1.idx", {"--seed", "2"});
  CHECK_FALSE(Says(out, kCarried));
  CHECK(ReadFile(d / "full.idx") != ReadFile(d / "seed1.idx"));  // the random fill differs

  WriteFile(d / "junk.idx", "not an index");
  out = BuildBoth(d, d / "junk.idx", {});
  CHECK(Says(out, "bannerc: note: cannot reuse " + d / "inc.idx"));
  CHECK_FALSE(Says(out, kCarried));

  // No index yet at -o: a first build, quietly.
  fs::remove(d / "inc.idx");
  REQUIRE(Bannerc({"build", "--incremental", d / "in", "-o", d / "inc.idx"}, &out) == 0);
  CHECK_FALSE(Says(out, "note:"));
  CHECK(ReadFile(d / "inc.idx") == ReadFile(d / "full.idx"));
}

}  // namespace banner
