// ResolvePath: the directory entries a path's resolution reads, in order,
// through relative and absolute symlinks and "..".
#include "path_resolution.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "common/temp_dir.h"

namespace banner {
namespace {

namespace fs = std::filesystem;
using Lookups = std::vector<std::pair<std::string, std::string>>;

// The lookups below `root` (those of the folders above it are dropped).
bool Resolve(const fs::path& root, const std::string& path, Lookups* lookups, std::string* resolved) {
  const std::string prefix = root.string();
  return ResolvePath(
      path,
      [&](const std::string& dir, const std::string& name) {
        if (dir.rfind(prefix, 0) == 0) lookups->emplace_back(dir.substr(prefix.size()), name);
      },
      resolved);
}

TEST_CASE("ResolvePath reports every entry it reads - through the release symlink pattern") {
  test::TempDir tmp;
  const fs::path root = fs::canonical(tmp.path());
  fs::create_directories(root / "dep/releases/2");
  std::ofstream(root / "dep/releases/2/cur.idx") << "x";
  fs::create_directory_symlink("releases/2", root / "dep/current");
  Lookups lookups;
  std::string resolved;
  REQUIRE(Resolve(root, (root / "dep/current/cur.idx").string(), &lookups, &resolved));
  CHECK(resolved == (root / "dep/releases/2/cur.idx").string());
  const Lookups expected = {{"", "dep"},         {"/dep", "current"},        {"/dep", "releases"},
                            {"/dep/releases", "2"}, {"/dep/releases/2", "cur.idx"}};
  CHECK(lookups == expected);
}

TEST_CASE("ResolvePath: absolute symlinks - dot-dot after a symlink - the file itself a symlink") {
  test::TempDir tmp;
  const fs::path root = fs::canonical(tmp.path());
  fs::create_directories(root / "a/b");
  fs::create_directories(root / "store");
  std::ofstream(root / "store/real.idx") << "x";
  fs::create_directory_symlink(root / "a/b", root / "link");  // absolute
  fs::create_symlink("../../store/real.idx", root / "a/b/cur.idx");
  Lookups lookups;
  std::string resolved;
  REQUIRE(Resolve(root, (root / "link/cur.idx").string(), &lookups, &resolved));
  CHECK(resolved == (root / "store/real.idx").string());
  CHECK(lookups.front() == std::pair<std::string, std::string>("", "link"));
  CHECK(lookups.back() == std::pair<std::string, std::string>("/store", "real.idx"));

  // ".." applies to where the symlink led, as in the kernel: link/.. is a/.
  lookups.clear();
  std::ofstream(root / "a/x.idx") << "x";
  REQUIRE(Resolve(root, (root / "link/../x.idx").string(), &lookups, &resolved));
  CHECK(resolved == (root / "a/x.idx").string());
}

TEST_CASE("ResolvePath fails on a missing entry, a file used as a folder, a loop - after reporting what it read") {
  test::TempDir tmp;
  const fs::path root = fs::canonical(tmp.path());
  fs::create_directories(root / "dep");
  std::ofstream(root / "dep/file") << "x";
  Lookups lookups;
  std::string resolved = "unchanged";
  CHECK_FALSE(Resolve(root, (root / "dep/idx/cur.idx").string(), &lookups, &resolved));
  CHECK(lookups.back() == std::pair<std::string, std::string>("/dep", "idx"));  // watched for its creation
  CHECK(resolved == "unchanged");
  CHECK_FALSE(Resolve(root, (root / "dep/file/cur.idx").string(), &lookups, &resolved));
  fs::create_symlink("loop2", root / "loop1");
  fs::create_symlink("loop1", root / "loop2");
  CHECK_FALSE(Resolve(root, (root / "loop1/x").string(), &lookups, &resolved));
  CHECK_FALSE(ResolvePath("relative/path", [](const std::string&, const std::string&) {}, &resolved));
}

}  // namespace
}  // namespace banner
