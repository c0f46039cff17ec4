// TreeWatch: changes anywhere below a folder, through inotify.
//
// Watches the folder and every folder below it, adding folders as they are
// created or moved in. A change is a file or folder created, written, closed
// after writing, deleted or moved, whose name is not hidden (does not begin
// with '.', as rsync and scp name partial uploads) and is not one of the
// ignored paths; hidden folders are not watched at all. After an inotify
// queue overflow, when events may have been lost, the folders are watched
// afresh and a change is reported.
//
// Not thread-safe: one thread polls fd() and calls ReadChanges().
#pragma once

#include <memory>
#include <set>
#include <string>
#include <unordered_map>

#include "status.h"

namespace banner {

class TreeWatch {
 public:
  // Watches `root`. `ignored` holds paths whose changes don't count (the
  // watch's own outputs), compared after resolving `root` and each of them
  // with weakly_canonical. Null, with *error set, on failure.
  static std::unique_ptr<TreeWatch> Create(const std::string& root, const std::set<std::string>& ignored,
                                           Status* error);
  ~TreeWatch();
  TreeWatch(const TreeWatch&) = delete;
  TreeWatch& operator=(const TreeWatch&) = delete;

  // Readable (poll(2)) when events wait.
  int fd() const { return fd_; }
  // Reads every waiting event without blocking; true if any was a change.
  bool ReadChanges();

 private:
  TreeWatch() = default;
  // Watches `dir` and every folder below it that is not hidden; false if
  // `dir` itself could not be watched (errno says why).
  bool AddTree(const std::string& dir);

  int fd_ = -1;
  std::string root_;
  std::set<std::string> ignored_;
  std::unordered_map<int, std::string> dirs_;  // watch descriptor → folder
};

}  // namespace banner
