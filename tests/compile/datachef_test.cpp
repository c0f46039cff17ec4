// End-to-end on the public dataset (../shared/datasets/datachef): its 200
// lists must equal the reference model's. Exits 77 (skipped) without it.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>

#include "test_support.h"

namespace banner {

static std::string g_dataset;

TEST_CASE("the public dataset compiles to the reference model's 200 lists") {
  const CompileResult r = test::CompileOk(g_dataset);
  const auto got = test::Lists(r);
  const auto expected = test::ReferenceModel(g_dataset);
  CHECK(got.size() == 200);
  REQUIRE(got.size() == expected.size());
  for (const auto& [key, e] : expected) {
    const test::SimpleList& g = got.at(key);
    CHECK(g.x == e.x);
    CHECK(g.rule == e.rule);
    CHECK(g.banner_ids == e.fixed_banners);
  }
  CHECK(r.bad_rows + r.conflicts + r.orphans == 0);
}

}  // namespace banner

int main(int argc, char** argv) {
  if (argc < 2 || !std::filesystem::is_directory(argv[1])) {
    std::printf("SKIPPED: public dataset not found at %s\n", argc < 2 ? "(no path given)" : argv[1]);
    return 77;
  }
  banner::g_dataset = argv[1];
  doctest::Context context;
  context.applyCommandLine(argc - 1, argv + 1);
  return context.run();
}
