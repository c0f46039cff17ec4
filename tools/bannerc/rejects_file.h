// The --rejects file: every rejected row as CSV (file,line,kind,reason,text),
// so nothing is lost. Rows stream to an AtomicFile: without Commit() an
// existing rejects file is left as it was.
#pragma once

#include <memory>
#include <string>

#include "atomic_file.h"
#include "compiler.h"
#include "status.h"

namespace banner {

class RejectsFile {
 public:
  static std::unique_ptr<RejectsFile> Create(const std::string& path, Status* error);

  void Add(const RejectedRow& row);
  Status Commit();

 private:
  explicit RejectsFile(std::unique_ptr<AtomicFile> file) : file_(std::move(file)) {}
  std::unique_ptr<AtomicFile> file_;
  std::string buffer_;  // rows not yet appended: one write per 64 KiB, not per row
};

}  // namespace banner
