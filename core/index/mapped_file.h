// A read-only mapping of a whole file, shared by the CSV inputs and the index
// reader. The mapping is private and read-only: what it shows never changes
// under the reader, even if the file is replaced by rename.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "status.h"

namespace banner {

class MappedFile {
 public:
  // Errors name the path: "PATH: cannot open: No such file or directory".
  static std::unique_ptr<MappedFile> Open(const std::string& path, Status* error);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view bytes() const { return {data_, size_}; }
  // Drops the whole pages inside `range` from this process's memory; reading
  // them again brings them back from the page cache. Keeps the resident size
  // of a large build down to what is being parsed.
  void DropPages(std::string_view range) const;

 private:
  MappedFile() = default;
  const char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace banner
