// Resolving a path the way open() does, one directory entry at a time, so
// that a watcher can watch every entry the result depends on: each directory
// along the path, and along every symlink met on the way.
//
//   ResolvePath("/srv/dep/current/cur.idx", before_lookup, &resolved)
//   with current -> releases/2 looks up, in order:
//     ("/", "srv") ("/srv", "dep") ("/srv/dep", "current")
//     ("/srv/dep", "releases") ("/srv/dep/releases", "2") ("/srv/dep/releases/2", "cur.idx")
//   and sets resolved = "/srv/dep/releases/2/cur.idx".
//
// Thread-safety: a pure function of its arguments and the file system.
#pragma once

#include <functional>
#include <string>

namespace banner {

// Calls before_lookup(dir, name) before it reads the entry `name` of the
// directory `dir` (absolute, no symlinks, no "." or ".."), so that a watch
// placed then sees any later change of that entry. `path` must be absolute.
// Returns true and sets *resolved (absolute, no symlinks) when `path` names
// an existing entry; false when a component is missing, is not a directory,
// or symlinks loop (the lookups made up to that point were reported).
bool ResolvePath(const std::string& path,
                 const std::function<void(const std::string& dir, const std::string& name)>& before_lookup,
                 std::string* resolved);

}  // namespace banner
