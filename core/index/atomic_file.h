// Publishing a file atomically: readers see the old file or the new one,
// never a mix. The bytes go to a temporary file in the same directory, named
// ".{name}.tmp-XXXXXX" (hidden, so that bannerc's input discovery never reads
// one, even one left by a crash); on Commit() it is made 0644, fsync'ed and
// rename()d over `path`, and the directory is fsync'ed so the rename survives
// a crash. On any failure, or without Commit(), the temporary is removed and
// `path` is left exactly as it was.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "status.h"

namespace banner {

class AtomicFile {
 public:
  // Creates the temporary beside `path`. Null, with *error set, on failure.
  static std::unique_ptr<AtomicFile> Create(const std::string& path, Status* error);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Writes through to the temporary (no buffering here). After a failure,
  // further appends are ignored and Commit() returns the first error.
  void Append(std::string_view bytes);
  Status Commit();

 private:
  AtomicFile() = default;
  std::string path_, temp_, dir_;
  int fd_ = -1;
  Status status_;
};

// The whole file at once: Create, Append, Commit.
Status WriteFileAtomically(const std::string& path, std::string_view bytes);

// The file that publishing to `path` replaces, however `path` is spelled: an
// absolute path whose folders are resolved (".", "..", symlinks, as far as
// they exist) followed by the last name as given, since rename() replaces a
// symlink there rather than its target.
std::string ResolvedWritePath(const std::string& path);

}  // namespace banner
