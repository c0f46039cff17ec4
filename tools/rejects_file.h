// The --rejects file: every rejected row as CSV (file,line,kind,reason,text),
// so nothing is lost. Rows stream to a temporary file beside the target,
// which Commit() renames into place; without Commit() the temporary is
// removed and an existing rejects file is left as it was.
#pragma once

#include <cstdio>
#include <string>

#include "core/compiler.h"
#include "core/status.h"

namespace banner {

class RejectsFile {
 public:
  static std::unique_ptr<RejectsFile> Create(const std::string& path, Status* error);
  ~RejectsFile();

  void Add(const RejectedRow& row);
  Status Commit();

 private:
  RejectsFile() = default;
  std::string path_, temp_;
  FILE* file_ = nullptr;
  std::string line_;
};

}  // namespace banner
