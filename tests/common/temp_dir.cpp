#include "common/temp_dir.h"

#include <stdlib.h>

#include <algorithm>

#include <doctest/doctest.h>

namespace banner::test {

namespace fs = std::filesystem;

TempDir::TempDir() {
  // mkdtemp: a unique name even with several test binaries running at once.
  std::string templ = (fs::temp_directory_path() / "banner_test_XXXXXX").string();
  REQUIRE(mkdtemp(templ.data()) != nullptr);
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ignored;  // best effort: a leftover folder fails nothing
  fs::remove_all(path_, ignored);
}

std::vector<std::string> TempDir::List() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(path_, ec)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace banner::test
