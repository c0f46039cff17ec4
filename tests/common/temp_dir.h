// A scratch folder for one test.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace banner::test {

// A fresh, empty folder under the system temp dir (REQUIREs that it could be
// made), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // The path of `rel` inside the folder.
  std::string operator/(const std::string& rel) const { return (path_ / rel).string(); }
  // Names of the entries directly in the folder, sorted.
  std::vector<std::string> List() const;

 private:
  std::filesystem::path path_;
};

}  // namespace banner::test
