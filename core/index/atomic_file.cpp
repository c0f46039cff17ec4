#include "atomic_file.h"

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

}  // namespace

std::unique_ptr<AtomicFile> AtomicFile::Create(const std::string& path, Status* error) {
  std::unique_ptr<AtomicFile> f(new AtomicFile);
  const std::filesystem::path target(path);
  const std::filesystem::path dir = target.parent_path().empty() ? "." : target.parent_path();
  f->path_ = path;
  f->dir_ = dir.string();
  f->temp_ = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  f->fd_ = ::mkstemp(f->temp_.data());
  if (f->fd_ < 0) {
    *error = Status::Error(ErrnoMessage("cannot create a temporary file in " + f->dir_, path, errno));
    return nullptr;
  }
  return f;
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(temp_.c_str());
  }
}

void AtomicFile::Append(std::string_view bytes) {
  while (status_.ok() && !bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      status_ = Status::Error(ErrnoMessage("write failed", temp_, errno));
    } else {
      bytes.remove_prefix(static_cast<size_t>(n));
    }
  }
}

Status AtomicFile::Commit() {
  Status s = status_;
  if (s.ok() && ::fchmod(fd_, 0644) != 0) s = Status::Error(ErrnoMessage("fchmod", temp_, errno));
  if (s.ok() && ::fsync(fd_) != 0) s = Status::Error(ErrnoMessage("fsync failed", temp_, errno));
  if (::close(fd_) != 0 && s.ok()) s = Status::Error(ErrnoMessage("close failed", temp_, errno));
  fd_ = -1;
  if (s.ok() && ::rename(temp_.c_str(), path_.c_str()) != 0) {
    s = Status::Error(ErrnoMessage("cannot rename " + temp_ + " into place", path_, errno));
  }
  if (!s.ok()) {
    ::unlink(temp_.c_str());  // best effort: the error being returned matters more
    return s;
  }
  // Make the rename durable. A failure here cannot undo the publication, so
  // it is not reported as a failed write.
  const int dir_fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return Status::Ok();
}

std::string ResolvedWritePath(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path given(path);
  const fs::path folder = given.parent_path().empty() ? fs::path(".") : given.parent_path();
  std::error_code ec;
  fs::path resolved = fs::weakly_canonical(fs::absolute(folder, ec), ec);
  if (ec) resolved = folder;  // the write itself will fail and say why
  return (resolved / given.filename()).string();
}

Status WriteFileAtomically(const std::string& path, std::string_view bytes) {
  Status s;
  std::unique_ptr<AtomicFile> f = AtomicFile::Create(path, &s);
  if (!f) return s;
  f->Append(bytes);
  return f->Commit();
}

}  // namespace banner
