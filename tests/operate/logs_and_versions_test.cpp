// What the service manager and the log shippers see: --version on every
// program, from the one version in CMake, and --log-format json giving one
// JSON object per line from bannerd and bannerc watch alike.
#include <signal.h>

#include <sstream>
#include <string>

#include <doctest/doctest.h>

#include "common/run_program.h"
#include "reliability/support.h"
#include "version.h"

namespace banner::reliability {
namespace {

// Every line of `log` is one JSON object carrying ts, level and event.
void CheckJsonLines(const std::string& log) {
  std::istringstream lines(log);
  size_t n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    CAPTURE(line);
    CHECK(line.starts_with("{\"ts\":\""));
    CHECK(line.ends_with("}"));
    CHECK(line.find("\",\"level\":\"") != std::string::npos);
    CHECK(line.find(",\"event\":\"") != std::string::npos);
  }
  CHECK(n > 0);
}

}  // namespace

TEST_CASE("--version prints the program's name and the project version") {
  for (const char* program : {BANNERC_PATH, BANNERD_PATH, BANNERGEN_PATH}) {
    CAPTURE(program);
    const test::ProgramRun run = test::RunProgram({program, "--version"});
    CHECK(run.exit_code == 0);
    const std::string name = std::string(program).substr(std::string(program).rfind('/') + 1);
    CHECK(run.out == name + " " + kVersion + "\n");
  }
}

TEST_CASE("--log-format json: bannerd and bannerc watch write one JSON object per line") {
  TempDir dir;
  const std::string index = dir / "index.bin";
  REQUIRE(PublishIndex(index, {{1, 1, {11}}}));
  Bannerd server(index, {"--quarter", "1", "--log-format", "json", "--access-log"});
  REQUIRE(server.port() != 0);
  Response r;
  REQUIRE(Fetch(server.port(), "/campaigns/1?x=\"y\"", &r));
  server.child().Signal(SIGHUP);
  REQUIRE(Eventually([&] { return server.Log().find("\"event\":\"reload_ok\"") != std::string::npos; }));
  REQUIRE(server.Stop() == 0);
  CheckJsonLines(server.Log());
  CHECK(server.Log().find("\"event\":\"start\",\"listen\":\"127.0.0.1:0\",\"port\":") != std::string::npos);
  CHECK(server.Log().find("\"target\":\"/campaigns/1?x=\\\"y\\\"\"") != std::string::npos);

  Child watch({BANNERC_PATH, "watch", dir.path().string(), "-o", dir / "out.bin", "--log-format", "json"});
  REQUIRE(Eventually([&] { return watch.Output().find("\"event\":\"build_failed\"") != std::string::npos; }));
  watch.Signal(SIGTERM);
  CHECK(watch.Wait() == 0);
  CheckJsonLines(watch.Output());
  CHECK(watch.Output().find("\"event\":\"watch_stop\",\"reason\":\"sigterm\"") != std::string::npos);
}

}  // namespace banner::reliability
