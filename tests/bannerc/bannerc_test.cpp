// bannerc as a user runs it: exit codes, what goes to stdout and stderr,
// files written or left alone.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "index_reader.h"
#include "common/files.h"
#include "common/run_program.h"
#include "common/temp_dir.h"

namespace banner {
namespace {
namespace fs = std::filesystem;
using test::ProgramRun;
using test::ReadFile;
using test::TempDir;
using test::WriteFile;

ProgramRun Bannerc(std::vector<std::string> args, const std::string& cwd = "") {
  args.insert(args.begin(), BANNERC_PATH);
  return test::RunProgram(args, cwd);
}

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string Joined(const std::vector<std::string>& args) {
  std::string s;
  for (const std::string& a : args) s += (s.empty() ? "" : " ") + a;
  return s;
}

void WriteGoodInput(const TempDir& d) {
  WriteFile(d / "in/1/clicks_1.csv", "click_id,banner_id,campaign_id\n1,10,7\n2,11,7\n3,12,8\n");
  WriteFile(d / "in/1/conversions_1.csv", "conversion_id,click_id,revenue\n1,1,4.213377\n2,9,1.0\n");
  WriteFile(d / "in/1/impressions_1.csv", "banner_id,campaign_id\n13,7\n14,7\n");
}

size_t FileCount(const fs::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::recursive_directory_iterator(dir)) ++n;
  return n;
}

std::vector<std::string> InputPaths(const std::string& index_path) {
  Status s;
  auto index = IndexReader::Open(index_path, &s);
  REQUIRE_MESSAGE(index != nullptr, s.message());
  std::vector<std::string> paths;
  for (const InputRecord& in : index->inputs()) paths.push_back(in.path);
  return paths;
}

const std::vector<std::string> kGoodInputs = {"1/clicks_1.csv", "1/conversions_1.csv", "1/impressions_1.csv"};

}  // namespace

TEST_CASE("build writes an index that inspect explains, and prints a summary") {
  TempDir d;
  WriteGoodInput(d);
  ProgramRun r = Bannerc({"build", d / "in", "-o", d / "idx"});
  REQUIRE(r.exit_code == 0);
  CHECK(Has(r.out, "1/clicks_1.csv"));
  CHECK(Has(r.out, "MB/s"));
  CHECK(Has(r.err, "1/conversions_1.csv:3: orphan: click_id 9"));  // the diagnosis, on stderr
  Status s;
  auto index = IndexReader::Open(d / "idx", &s);
  REQUIRE(index != nullptr);
  CHECK(index->campaign_count(1) == 2);

  r = Bannerc({"inspect", d / "idx", "--json", "--campaign", "7"});
  REQUIRE(r.exit_code == 0);
  CHECK(Has(r.out, "\"format_version\":1"));
  CHECK(Has(r.out, "{\"path\":\"1/clicks_1.csv\",\"hash\":\""));
  CHECK(Has(r.out, "{\"quarter\":1,\"campaign_id\":7,\"x\":1,\"rule\":\"converted_then_clicks\",\"banners\":"
                   "[{\"banner_id\":10,\"clicks\":1,\"revenue\":4.213377},{\"banner_id\":11,\"clicks\":1,\"revenue\":"
                   "0.000000}"));
  CHECK(!Has(r.out, "\"campaign_id\":8"));

  r = Bannerc({"inspect", d / "idx"});
  REQUIRE(r.exit_code == 0);
  CHECK(Has(r.out, "X=1  rule converted_then_clicks"));
  CHECK(Has(r.out, "4.213377"));
}

TEST_CASE("the same inputs and seed give a byte-identical index") {
  TempDir d;
  WriteGoodInput(d);
  REQUIRE(Bannerc({"build", "-q", d / "in", "-o", d / "a"}).exit_code == 0);
  const ProgramRun r = Bannerc({"build", "-q", "--threads", "1", d / "in", "-o", d / "b"});
  REQUIRE(r.exit_code == 0);
  CHECK(ReadFile(d / "a") == ReadFile(d / "b"));
  CHECK(r.out.empty());  // --quiet
}

TEST_CASE("a failed build leaves the existing index untouched and no temporary file") {
  TempDir d;
  WriteGoodInput(d);
  REQUIRE(Bannerc({"build", "-q", d / "in", "-o", d / "out/idx"}).exit_code == 1);  // no such folder
  fs::create_directories(d / "out");
  REQUIRE(Bannerc({"build", "-q", d / "in", "-o", d / "out/idx"}).exit_code == 0);
  const std::string before = ReadFile(d / "out/idx");

  WriteFile(d / "in/1/clicks_1_late.csv", "click_id,banner_id,campaign_id\n4,10,seven\n");
  ProgramRun r = Bannerc({"build", d / "in", "-o", d / "out/idx"});
  CHECK(r.exit_code == 1);
  CHECK(Has(r.err, "1/clicks_1_late.csv:2: campaign_id is not a non-negative integer: 'seven'"));
  CHECK(Has(r.err, "was not changed"));
  CHECK(ReadFile(d / "out/idx") == before);
  CHECK(FileCount(d / "out") == 1);

  WriteFile(d / "in/bogus.csv", "x");
  r = Bannerc({"build", d / "in", "-o", d / "out/idx"});
  CHECK(r.exit_code == 1);
  CHECK(Has(r.err, "bogus.csv"));
  CHECK(ReadFile(d / "out/idx") == before);
  CHECK(FileCount(d / "out") == 1);
}

TEST_CASE("--rejects keeps every rejected row with file, line, reason and text") {
  TempDir d;
  WriteGoodInput(d);
  WriteFile(d / "in/1/clicks_1_late.csv", "click_id,banner_id,campaign_id\n4,10,\"se,ven\"\n1,99,7\n");
  REQUIRE(Bannerc({"build", d / "in", "-o", d / "idx", "--rejects", d / "rejects.csv"}).exit_code == 0);
  const std::string rejects = ReadFile(d / "rejects.csv");
  CHECK(rejects ==
        "file,line,kind,reason,text\n"
        "1/clicks_1_late.csv,2,bad,\"campaign_id is not a non-negative integer: 'se,ven'\",\"4,10,\"\"se,ven\"\"\"\n"
        "1/clicks_1_late.csv,3,conflict,\"conflict: click_id 1 was first seen with banner_id 10, campaign_id 7; the "
        "first is kept\",\"1,99,7\"\n"
        "1/conversions_1.csv,3,orphan,orphan: click_id 9 matches no click of this quarter,\"2,9,1.0\"\n");
  // Written like the index (AtomicFile): readable by the people it is for.
  CHECK(fs::status(d / "rejects.csv").permissions() == fs::status(d / "idx").permissions());
  CHECK((fs::status(d / "rejects.csv").permissions() & fs::perms::others_read) != fs::perms::none);
}

TEST_CASE("check validates and writes nothing") {
  TempDir d;
  WriteGoodInput(d);
  const ProgramRun r = Bannerc({"check", d / "in"});
  CHECK(r.exit_code == 0);
  CHECK(Has(r.out, "check passed"));
  CHECK(d.List() == std::vector<std::string>{"in"});
}

TEST_CASE("usage errors exit 2, --help exits 0, a corrupt index exits 1") {
  CHECK(Bannerc({}).exit_code == 2);
  CHECK(Bannerc({"build"}).exit_code == 2);
  CHECK(Bannerc({"frobnicate"}).exit_code == 2);
  CHECK(Bannerc({"inspect", "x", "--quarter", "5"}).exit_code == 2);
  ProgramRun r = Bannerc({"--help"});
  CHECK(r.exit_code == 0);
  CHECK(Has(r.out, "build"));
  for (const std::string cmd : {"build", "check"}) {  // the rules, with each command's own help
    r = Bannerc({cmd, "--help"});
    CHECK(r.exit_code == 0);
    CHECK(Has(r.out, "hidden files and folders"));
    CHECK(Has(r.out, "are never read as"));
    CHECK(Has(r.out, "usage error"));
  }
  TempDir d;
  WriteFile(d / "idx", "garbage");
  r = Bannerc({"inspect", d / "idx"});
  CHECK(r.exit_code == 1);
  CHECK(Has(r.err, "shorter than the 64-byte header"));
}

// SPEC 2: what bannerc writes is never read as input, wherever it is placed.
TEST_CASE("the index and the rejects file inside the input folder are never read as inputs") {
  TempDir d;
  WriteGoodInput(d);
  const std::string in = d / "in";
  for (const std::string cmd : {"build", "check"}) {
    CAPTURE(cmd);
    for (int round = 0; round < 2; ++round) {  // the second build finds the first one's files
      CAPTURE(round);
      // check takes -o too: the index a build would write is not an input either.
      const ProgramRun r = Bannerc({cmd, in, "-o", in + "/out.idx", "--rejects", in + "/rejects.csv"});
      CHECK_MESSAGE(r.exit_code == 0, r.err);
      CHECK(Has(ReadFile(in + "/rejects.csv"), "1/conversions_1.csv,3,orphan"));
    }
  }
  CHECK(InputPaths(in + "/out.idx") == kGoodInputs);

  // The same files spelled another way: relative, with "." and "..", through a symlinked folder.
  fs::create_directory_symlink(in, d / "link");
  ProgramRun r = Bannerc({"build", "in", "-o", "./in/1/../out.idx", "--rejects", d / "link/rejects.csv"}, d / "");
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(InputPaths(in + "/out.idx") == kGoodInputs);

  // Hidden files and folders are skipped: a temporary left by a crashed
  // build, an upload in progress.
  WriteFile(in + "/.out.idx.tmp-Xy12Zq", "half an index");
  WriteFile(in + "/1/.clicks_1.csv.partial", "click_id,banner_id,campaign_id\n1,10,");
  WriteFile(in + "/.sync/1/clicks_1.csv", "not, a, clicks file");
  r = Bannerc({"build", "-q", in, "-o", in + "/out.idx", "--rejects", in + "/rejects.csv"});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(InputPaths(in + "/out.idx") == kGoodInputs);
}

TEST_CASE("an output at an input's path is a usage error, and nothing is written") {
  TempDir d;
  WriteGoodInput(d);
  WriteFile(d / "ext/impressions.csv", "banner_id,campaign_id\n15,8\n");
  fs::create_symlink(d / "ext/impressions.csv", d / "in/1/impressions_1_ext.csv");
  fs::create_directory_symlink(d / "in/1", d / "q1");
  const std::string in = d / "in";
  const size_t files_before = FileCount(d.path());
  const std::string clicks_before = ReadFile(in + "/1/clicks_1.csv");

  struct Case {
    std::vector<std::string> args;
    std::string names;  // the input named in the message
  };
  const Case cases[] = {
      {{"build", in, "-o", in + "/1/clicks_1.csv"}, "1/clicks_1.csv"},
      {{"build", in, "-o", in + "/1/clicks_1_new.csv"}, "1/clicks_1_new.csv"},  // would be read next time
      {{"build", in, "-o", d / "q1/clicks_1.csv"}, "1/clicks_1.csv"},           // through a symlinked folder
      {{"build", in, "-o", d / "ext/impressions.csv"}, "1/impressions_1_ext.csv"},  // an input symlink's target
      {{"build", in, "-o", d / "idx", "--rejects", in + "/1/conversions_1.csv"}, "1/conversions_1.csv"},
      {{"check", in, "--rejects", in + "/1/conversions_1.csv"}, "1/conversions_1.csv"},
      {{"check", in, "-o", in + "/1/clicks_1.csv"}, "1/clicks_1.csv"},
  };
  for (const Case& c : cases) {
    CAPTURE(Joined(c.args));
    const ProgramRun r = Bannerc(c.args);
    CHECK(r.exit_code == 2);
    CHECK(Has(r.err, c.names));
    CHECK(Has(r.err, "nothing was written"));
    CHECK(FileCount(d.path()) == files_before);
    CHECK(ReadFile(in + "/1/clicks_1.csv") == clicks_before);
  }
}

TEST_CASE("the index and the rejects file at one path is a usage error, and nothing is written") {
  TempDir d;
  WriteGoodInput(d);
  fs::create_directory_symlink(d.path(), d / "self");
  const std::string in = d / "in";
  const std::vector<std::pair<std::string, std::string>> spellings = {
      {d / "x", d / "x"},
      {d / "x", d / "in/../x"},
      {"x", "./x"},
      {d / "x", "x"},  // absolute and relative, run from d
      {d / "x", d / "self/x"},
  };
  for (const auto& [output, rejects] : spellings) {
    CAPTURE(output);
    CAPTURE(rejects);
    for (const std::string cmd : {"build", "check"}) {
      const ProgramRun r = Bannerc({cmd, in, "-o", output, "--rejects", rejects}, d / "");
      CHECK(r.exit_code == 2);
      CHECK(Has(r.err, "are the same file"));
      CHECK(d.List() == std::vector<std::string>{"in", "self"});
    }
  }
}

TEST_CASE("-q hides progress and summary, never which rows are bad") {
  TempDir d;
  WriteGoodInput(d);
  WriteFile(d / "in/1/clicks_1_late.csv", "click_id,banner_id,campaign_id\n4,10,seven\n");
  ProgramRun r = Bannerc({"build", "-q", d / "in", "-o", d / "idx"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(Has(r.err, "1 unparseable row(s)"));
  CHECK(Has(r.err, "1/clicks_1_late.csv:2: campaign_id is not a non-negative integer: 'seven'"));
  CHECK(Has(r.err, "cannot be parsed"));

  // Set aside with --rejects, the build succeeds; the rows are still named.
  r = Bannerc({"build", "-q", d / "in", "-o", d / "idx", "--rejects", d / "rejects.csv"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.empty());
  CHECK(Has(r.err, "1/clicks_1_late.csv:2: campaign_id"));
  CHECK(Has(r.err, "1/conversions_1.csv:3: orphan"));

  r = Bannerc({"check", "-q", d / "in"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(Has(r.err, "1/clicks_1_late.csv:2: campaign_id"));
}

TEST_CASE("numeric options are decimal, in range, or a usage error that says the range") {
  TempDir d;
  WriteGoodInput(d);
  const std::string in = d / "in", idx = d / "idx";
  struct Case {
    std::vector<std::string> args;
    std::string range;
  };
  const Case refused[] = {
      {{"build", in, "-o", idx, "--threads", "100000"}, "0 to 256"},
      {{"build", in, "-o", idx, "--threads", "257"}, "0 to 256"},
      {{"build", in, "-o", idx, "--threads", "-1"}, "0 to 256"},
      {{"build", in, "-o", idx, "--threads", "4294967297"}, "0 to 256"},
      {{"build", in, "-o", idx, "--threads", "2x"}, "0 to 256"},
      {{"check", in, "--threads", "100000"}, "0 to 256"},
      {{"build", in, "-o", idx, "--seed", "-1"}, "0 to 18446744073709551615"},
      {{"build", in, "-o", idx, "--seed", "18446744073709551616"}, "0 to 18446744073709551615"},
      {{"build", in, "-o", idx, "--seed", "0x10"}, "0 to 18446744073709551615"},
      {{"inspect", idx, "--campaign", "-1"}, "0 to 9223372036854775807"},
      {{"inspect", idx, "--campaign", "9223372036854775808"}, "0 to 9223372036854775807"},
      {{"inspect", idx, "--quarter", "0"}, "1 to 4"},
      {{"inspect", idx, "--quarter", "5"}, "1 to 4"},
      {{"inspect", idx, "--quarter", "0x1"}, "1 to 4"},
  };
  for (const Case& c : refused) {
    CAPTURE(Joined(c.args));
    const ProgramRun r = Bannerc(c.args);
    CHECK(r.exit_code == 2);
    CHECK(Has(r.err, c.args.back()));
    CHECK(Has(r.err, c.range));
    CHECK(d.List() == std::vector<std::string>{"in"});
  }

  // The limits themselves are accepted, and leading zeros are decimal, not octal.
  REQUIRE(Bannerc({"build", "-q", in, "-o", idx, "--threads", "256", "--seed", "010"}).exit_code == 0);
  REQUIRE(Bannerc({"build", "-q", in, "-o", d / "ten", "--seed", "10"}).exit_code == 0);
  CHECK(ReadFile(idx) == ReadFile(d / "ten"));
  REQUIRE(Bannerc({"build", "-q", in, "-o", d / "max", "--seed", "18446744073709551615"}).exit_code == 0);
  const ProgramRun r = Bannerc({"inspect", idx, "--quarter", "01", "--campaign", "007"});
  CHECK(r.exit_code == 0);
  CHECK(Has(r.out, "quarter 1  campaign 7  X=1"));
  CHECK(Bannerc({"inspect", idx, "--campaign", "9223372036854775807"}).exit_code == 0);
}

TEST_CASE("inspect --json is valid UTF-8 JSON whatever the bytes of the input file names") {
  TempDir d;
  WriteGoodInput(d);
  // Not UTF-8 (a lone byte, a truncated sequence, an encoded surrogate, an
  // overlong form), beside valid UTF-8 and characters JSON must escape.
  const std::string name = "1/clicks_1_\xff_\xc3_\xed\xa0\x80_\xc0\xaf_\xc3\xa9_\"\\\x01\n.csv";
  WriteFile(d / ("in/" + name), "click_id,banner_id,campaign_id\n7,10,9\n");
  REQUIRE(Bannerc({"build", "-q", d / "in", "-o", d / "idx"}).exit_code == 0);
  const ProgramRun r = Bannerc({"inspect", "--json", d / "idx"});
  REQUIRE(r.exit_code == 0);
  WriteFile(d / "inspect.json", r.out);

  // Python's json module, strict (no raw control characters), on the bytes
  // decoded as strict UTF-8; the name must come out as Python's own
  // replacement of the invalid sequences.
  const std::string script =
      "import json, os, sys\n"
      "doc = json.loads(open(sys.argv[1], 'rb').read().decode('utf-8', 'strict'), strict=True)\n"
      "paths = [i['path'] for i in doc['inputs']]\n"
      "want = os.fsencode(sys.argv[2]).decode('utf-8', 'replace')\n"
      "sys.exit(0 if want in paths and len(paths) == 4 else 'got ' + ascii(paths))\n";
  const ProgramRun py = test::RunProgram({PYTHON3_PATH, "-c", script, d / "inspect.json", name});
  CHECK_MESSAGE(py.exit_code == 0, py.err);
  CHECK(Has(r.out, "clicks_1_\xef\xbf\xbd_\xef\xbf\xbd_\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd_\xef\xbf\xbd\xef\xbf\xbd_"
                   "\xc3\xa9_\\\"\\\\\\u0001\\u000a.csv"));
}

}  // namespace banner
