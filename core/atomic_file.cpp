#include "core/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace banner {
namespace {

std::string ErrnoMessage(const std::string& what, const std::string& path, int err) {
  return path + ": " + what + ": " + std::strerror(err);
}

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Error(ErrnoMessage("write failed", path, errno));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace

Status WriteFileAtomically(const std::string& path, std::string_view bytes) {
  const std::filesystem::path target(path);
  std::filesystem::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  std::string temp = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    return Status::Error(ErrnoMessage("cannot create a temporary file in " + dir.string(),
                                      path, errno));
  }
  Status s = WriteAll(fd, bytes, temp);
  if (s.ok() && ::fchmod(fd, 0644) != 0) s = Status::Error(ErrnoMessage("fchmod", temp, errno));
  if (s.ok() && ::fsync(fd) != 0) s = Status::Error(ErrnoMessage("fsync failed", temp, errno));
  if (::close(fd) != 0 && s.ok()) s = Status::Error(ErrnoMessage("close failed", temp, errno));
  if (s.ok() && ::rename(temp.c_str(), path.c_str()) != 0) {
    s = Status::Error(ErrnoMessage("cannot rename " + temp + " into place", path, errno));
  }
  if (!s.ok()) {
    ::unlink(temp.c_str());  // best effort: the error being returned matters more
    return s;
  }
  // Make the rename durable. A failure here cannot undo the publication, so
  // it is not reported as a failed write.
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Status::Ok();
}

}  // namespace banner
