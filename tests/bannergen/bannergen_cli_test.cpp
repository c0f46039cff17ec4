// bannergen as a user runs it: its options are read as typed, and a value
// out of range is a usage error (exit 2) that says the range.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/files.h"
#include "common/run_program.h"
#include "common/temp_dir.h"

namespace {

using banner::test::ProgramRun;
using banner::test::TempDir;

ProgramRun Bannergen(std::vector<std::string> args) {
  args.insert(args.begin(), BANNERGEN_PATH);
  return banner::test::RunProgram(args);
}

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("bannergen: numeric options out of range are usage errors that say the range") {
  TempDir d;
  const std::string out = d / "data";
  const std::pair<std::vector<std::string>, std::string> refused[] = {
      {{"--seed", "-1"}, "0 to 18446744073709551615"},
      {{"--seed", "18446744073709551616"}, "0 to 18446744073709551615"},
      {{"--seed", "0x10"}, "0 to 18446744073709551615"},
      {{"--campaigns", "10000001"}, "0 to 10000000"},
      {{"--campaigns", "-1"}, "0 to 10000000"},
      {{"--batches", "0"}, "1 to 50"},
      {{"--batches", "51"}, "1 to 50"},
      {{"--bad-rows", "4294967296"}, "0 to 4294967295"},
      {{"--size-mb", "0"}, "greater than 0 and at most 1000000"},
      {{"--size-mb", "nan"}, "greater than 0 and at most 1000000"},
      {{"--size-mb", "1e7"}, "greater than 0 and at most 1000000"},
  };
  for (const auto& [option, range] : refused) {
    CAPTURE(option[0] + " " + option[1]);
    std::vector<std::string> args = {"--out", out};
    args.insert(args.end(), option.begin(), option.end());
    const ProgramRun r = Bannergen(args);
    CHECK(r.exit_code == 2);
    CHECK(Has(r.err, range));
    CHECK(d.List().empty());  // refused before anything is written
  }
  CHECK(Bannergen({"--frobnicate"}).exit_code == 2);
  CHECK(Bannergen({"--help"}).exit_code == 0);
}

TEST_CASE("bannergen: leading zeros are decimal, not octal") {
  TempDir d;
  REQUIRE(Bannergen({"--out", d / "a", "--size-mb", "0.01", "--seed", "010"}).exit_code == 0);
  REQUIRE(Bannergen({"--out", d / "b", "--size-mb", "0.01", "--seed", "10"}).exit_code == 0);
  CHECK(banner::test::ReadFile(d / "a/manifest.tsv") == banner::test::ReadFile(d / "b/manifest.tsv"));
  CHECK(banner::test::ReadFile(d / "a/csv/1/clicks_1.csv") == banner::test::ReadFile(d / "b/csv/1/clicks_1.csv"));
  REQUIRE(Bannergen({"--out", d / "c", "--size-mb", "0.01", "--seed", "8"}).exit_code == 0);
  CHECK(banner::test::ReadFile(d / "a/csv/1/clicks_1.csv") != banner::test::ReadFile(d / "c/csv/1/clicks_1.csv"));
}
