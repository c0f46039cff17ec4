// Publishing a file atomically: readers see the old file or the new one,
// never a mix. The bytes go to a temporary file in the same directory, are
// fsync'ed, and the temporary is rename()d over `path`; the directory is then
// fsync'ed so the rename survives a crash. On any failure the temporary is
// removed and `path` is left exactly as it was.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace banner {

Status WriteFileAtomically(const std::string& path, std::string_view bytes);

}  // namespace banner
