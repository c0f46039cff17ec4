// Which files are inputs (SPEC 2): hidden ones are not, the build's own
// outputs are not, and an output may never be an input.
#include "input_files.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>

#include "test_support.h"

namespace banner {
namespace fs = std::filesystem;
using test::TempDir;
using test::WriteFile;

namespace {

const char kClicks[] = "click_id,banner_id,campaign_id\n1,10,7\n";

std::vector<std::string> Discovered(const std::string& dir, const std::vector<std::string>& outputs = {}) {
  std::vector<InputFile> inputs;
  const Status s = DiscoverInputs(dir, outputs, &inputs);
  REQUIRE_MESSAGE(s.ok(), s.message());
  std::vector<std::string> paths;
  for (const InputFile& in : inputs) paths.push_back(in.relative_path);
  return paths;
}

}  // namespace

TEST_CASE("hidden files and folders are skipped, never reported as misnamed") {
  TempDir d;
  WriteFile(d / "1/clicks_1.csv", kClicks);
  WriteFile(d / "1/.clicks_1.csv.swp", "x");
  WriteFile(d / ".clicks_1_upload.csv", "x");            // hidden, even with an input name
  WriteFile(d / ".rsync-partial/1/clicks_1_b.csv", "x");  // a hidden folder and all below it
  WriteFile(d / "2/.idx.tmp-a1b2c3", "x");
  CHECK(Discovered(d.path()) == std::vector<std::string>{"1/clicks_1.csv"});

  // Only names below the input folder count: a hidden input folder is read.
  WriteFile(d / ".in/3/clicks_3.csv", kClicks);
  CHECK(Discovered(d / ".in") == std::vector<std::string>{"3/clicks_3.csv"});
}

TEST_CASE("the build's outputs are skipped, however their paths are spelled") {
  TempDir d;
  WriteFile(d / "in/1/clicks_1.csv", kClicks);
  WriteFile(d / "in/out.idx", "an index");
  WriteFile(d / "in/sub/rejects.csv", "file,line,kind,reason,text\n");
  fs::create_directory_symlink(d / "in", d / "link");
  CHECK(Discovered(d / "in", {d / "in/out.idx", d / "link/sub/../sub/rejects.csv"}) ==
        std::vector<std::string>{"1/clicks_1.csv"});
  // Not an output of this build: a misnamed file, as ever.
  std::vector<InputFile> inputs;
  const Status s = DiscoverInputs(d / "in", {d / "in/out.idx"}, &inputs);
  CHECK(s.message().find("sub/rejects.csv") != std::string::npos);
}

TEST_CASE("CheckOutputPaths: an output that is, or would be, an input is refused") {
  TempDir d;
  WriteFile(d / "in/1/clicks_1.csv", kClicks);
  WriteFile(d / "elsewhere/conversions.csv", "conversion_id,click_id,revenue\n");
  fs::create_symlink(d / "elsewhere/conversions.csv", d / "in/1/conversions_1.csv");
  fs::create_hard_link(d / "in/1/clicks_1.csv", d / "clicks_copy.csv");
  fs::create_directory_symlink(d / "in/1", d / "q1");
  const std::string in = d / "in";

  CHECK(CheckOutputPaths(in, {d / "idx", in + "/rejects.csv", in + "/.hidden/clicks_1.csv"}).ok());
  CHECK(CheckOutputPaths(in, {}).ok());
  const std::pair<std::string, std::string> refused[] = {
      {in + "/1/clicks_1.csv", "1/clicks_1.csv"},
      {in + "/2/impressions_2_new.csv", "2/impressions_2_new.csv"},  // not there yet
      {d / "q1/clicks_1.csv", "1/clicks_1.csv"},
      {d / "elsewhere/conversions.csv", "1/conversions_1.csv"},  // an input symlink's target
      {d / "clicks_copy.csv", "1/clicks_1.csv"},                  // a hard link
  };
  for (const auto& [output, input] : refused) {
    CAPTURE(output);
    const Status s = CheckOutputPaths(in, {d / "idx", output});
    REQUIRE(!s.ok());
    CHECK(s.message().find(output + ": ") == 0);
    CHECK(s.message().find(input) != std::string::npos);
  }
  // Replacing a symlink replaces the link, not its target: allowed.
  fs::create_symlink(d / "in/1/clicks_1.csv", d / "link_to_input");
  CHECK(CheckOutputPaths(in, {d / "link_to_input"}).ok());
}

TEST_CASE("CheckOutputPaths: two outputs at one path are refused") {
  TempDir d;
  WriteFile(d / "in/1/clicks_1.csv", kClicks);
  const Status s = CheckOutputPaths(d / "in", {d / "x", d / "in/../x"});
  REQUIRE(!s.ok());
  CHECK(s.message() == d / "x" + " and " + d / "in/../x" + " are the same file; each output needs a path of its own");
}

}  // namespace banner
