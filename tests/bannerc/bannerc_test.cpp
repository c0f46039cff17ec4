// bannerc as a user runs it: exit codes, files written or left alone.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>

#include "index_reader.h"
#include "common/files.h"
#include "common/temp_dir.h"

namespace banner {
namespace {
namespace fs = std::filesystem;
using test::ReadFile;
using test::TempDir;
using test::WriteFile;

int Bannerc(const std::string& args, std::string* output) {
  const std::string cmd = std::string(BANNERC_PATH) + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  output->clear();
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) output->append(buf.data(), n);
  const int status = ::pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void WriteGoodInput(const TempDir& d) {
  WriteFile(d / "in/1/clicks_1.csv", "click_id,banner_id,campaign_id\n1,10,7\n2,11,7\n3,12,8\n");
  WriteFile(d / "in/1/conversions_1.csv", "conversion_id,click_id,revenue\n1,1,4.213377\n2,9,1.0\n");
  WriteFile(d / "in/1/impressions_1.csv", "banner_id,campaign_id\n13,7\n14,7\n");
}

size_t FileCount(const fs::path& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++n;
  return n;
}

}  // namespace

TEST_CASE("build writes an index that inspect explains, and prints a summary") {
  TempDir d;
  WriteGoodInput(d);
  std::string out;
  REQUIRE(Bannerc("build " + d / "in" + " -o " + d / "idx", &out) == 0);
  CHECK(out.find("1/clicks_1.csv") != std::string::npos);
  CHECK(out.find("orphan") != std::string::npos);
  CHECK(out.find("MB/s") != std::string::npos);
  Status s;
  auto index = IndexReader::Open(d / "idx", &s);
  REQUIRE(index != nullptr);
  CHECK(index->campaign_count(1) == 2);

  REQUIRE(Bannerc("inspect " + d / "idx" + " --json --campaign 7", &out) == 0);
  CHECK(out.find("\"format_version\":1") != std::string::npos);
  CHECK(out.find("{\"path\":\"1/clicks_1.csv\",\"hash\":\"") != std::string::npos);
  CHECK(out.find("{\"quarter\":1,\"campaign_id\":7,\"x\":1,\"rule\":\"converted_then_clicks\",\"banners\":"
                 "[{\"banner_id\":10,\"clicks\":1,\"revenue\":4.213377},{\"banner_id\":11,\"clicks\":1,\"revenue\":"
                 "0.000000}") != std::string::npos);
  CHECK(out.find("\"campaign_id\":8") == std::string::npos);

  REQUIRE(Bannerc("inspect " + d / "idx", &out) == 0);
  CHECK(out.find("X=1  rule converted_then_clicks") != std::string::npos);
  CHECK(out.find("4.213377") != std::string::npos);
}

TEST_CASE("the same inputs and seed give a byte-identical index") {
  TempDir d;
  WriteGoodInput(d);
  std::string out;
  REQUIRE(Bannerc("build -q " + d / "in" + " -o " + d / "a", &out) == 0);
  REQUIRE(Bannerc("build -q --threads 1 " + d / "in" + " -o " + d / "b", &out) == 0);
  CHECK(ReadFile(d / "a") == ReadFile(d / "b"));
  CHECK(out.empty());  // --quiet
}

TEST_CASE("a failed build leaves the existing index untouched and no temporary file") {
  TempDir d;
  WriteGoodInput(d);
  std::string out;
  REQUIRE(Bannerc("build -q " + d / "in" + " -o " + d / "out/idx", &out) != 0);  // no such folder
  fs::create_directories(d / "out");
  REQUIRE(Bannerc("build -q " + d / "in" + " -o " + d / "out/idx", &out) == 0);
  const std::string before = ReadFile(d / "out/idx");

  WriteFile(d / "in/1/clicks_1_late.csv", "click_id,banner_id,campaign_id\n4,10,seven\n");
  CHECK(Bannerc("build " + d / "in" + " -o " + d / "out/idx", &out) == 1);
  CHECK(out.find("1/clicks_1_late.csv:2: campaign_id is not a non-negative integer: 'seven'") != std::string::npos);
  CHECK(out.find("was not changed") != std::string::npos);
  CHECK(ReadFile(d / "out/idx") == before);
  CHECK(FileCount(d / "out") == 1);

  WriteFile(d / "in/bogus.csv", "x");
  CHECK(Bannerc("build " + d / "in" + " -o " + d / "out/idx", &out) == 1);
  CHECK(out.find("bogus.csv") != std::string::npos);
  CHECK(ReadFile(d / "out/idx") == before);
  CHECK(FileCount(d / "out") == 1);
}

TEST_CASE("--rejects keeps every rejected row with file, line, reason and text") {
  TempDir d;
  WriteGoodInput(d);
  WriteFile(d / "in/1/clicks_1_late.csv", "click_id,banner_id,campaign_id\n4,10,\"se,ven\"\n1,99,7\n");
  std::string out;
  REQUIRE(Bannerc("build " + d / "in" + " -o " + d / "idx --rejects " + d / "rejects.csv", &out) == 0);
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
  std::string out;
  CHECK(Bannerc("check " + d / "in", &out) == 0);
  CHECK(out.find("check passed") != std::string::npos);
  CHECK(FileCount(d.path()) == 1);
}

TEST_CASE("usage errors exit 2, --help exits 0, a corrupt index exits 1") {
  std::string out;
  CHECK(Bannerc("", &out) == 2);
  CHECK(Bannerc("build", &out) == 2);
  CHECK(Bannerc("frobnicate", &out) == 2);
  CHECK(Bannerc("inspect x --quarter 5", &out) == 2);
  CHECK(Bannerc("--help", &out) == 0);
  CHECK(out.find("build") != std::string::npos);
  TempDir d;
  WriteFile(d / "idx", "garbage");
  CHECK(Bannerc("inspect " + d / "idx", &out) == 1);
  CHECK(out.find("shorter than the 64-byte header") != std::string::npos);
}

}  // namespace banner
