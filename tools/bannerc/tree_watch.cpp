#include "tree_watch.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace banner {

namespace fs = std::filesystem;

namespace {

constexpr uint32_t kMask = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY | IN_CLOSE_WRITE |
                           IN_ONLYDIR;

bool Hidden(std::string_view name) { return !name.empty() && name.front() == '.'; }

}  // namespace

std::unique_ptr<TreeWatch> TreeWatch::Create(const std::string& root, const std::set<std::string>& ignored,
                                             Status* error) {
  std::error_code ec;
  const fs::path resolved = fs::canonical(root, ec);
  if (ec || !fs::is_directory(resolved, ec)) {
    *error = Status::Error(root + ": not a folder to watch (" + (ec ? ec.message() : "not a directory") + ")");
    return nullptr;
  }
  std::unique_ptr<TreeWatch> w(new TreeWatch);
  w->fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (w->fd_ < 0) {
    *error = Status::Error(std::string("inotify_init1: ") + std::strerror(errno));
    return nullptr;
  }
  w->root_ = resolved.string();
  for (const std::string& path : ignored) w->ignored_.insert(fs::weakly_canonical(path, ec).string());
  if (!w->AddTree(w->root_)) {
    *error = Status::Error("inotify_add_watch " + w->root_ + ": " + std::strerror(errno));
    return nullptr;
  }
  return w;
}

TreeWatch::~TreeWatch() {
  if (fd_ >= 0) ::close(fd_);
}

bool TreeWatch::AddTree(const std::string& dir) {
  // Below the root, a folder that vanishes meanwhile is simply not watched:
  // its removal is itself a change, already reported.
  const int wd = inotify_add_watch(fd_, dir.c_str(), kMask);
  if (wd < 0) return false;
  dirs_[wd] = dir;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (Hidden(it->path().filename().string())) continue;
    if (it->is_directory(ec) && !it->is_symlink(ec)) AddTree(it->path().string());
  }
  return true;
}

bool TreeWatch::ReadChanges() {
  bool changed = false;
  alignas(inotify_event) std::array<char, 64 * 1024> buffer;
  for (;;) {
    const ssize_t n = ::read(fd_, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EAGAIN: nothing more waits
    for (size_t offset = 0; offset + sizeof(inotify_event) <= static_cast<size_t>(n);) {
      inotify_event event;
      std::memcpy(&event, buffer.data() + offset, sizeof event);
      const std::string_view name(event.len ? buffer.data() + offset + sizeof event : "");  // NUL-padded
      offset += sizeof event + event.len;
      if (event.mask & IN_Q_OVERFLOW) {
        AddTree(root_);
        changed = true;
        continue;
      }
      if (event.mask & IN_IGNORED) {
        dirs_.erase(event.wd);
        continue;
      }
      const auto dir = dirs_.find(event.wd);
      if (dir == dirs_.end() || name.empty() || Hidden(name)) continue;
      const std::string path = dir->second + "/" + std::string(name);
      if (ignored_.count(path) != 0) continue;
      changed = true;
      if ((event.mask & IN_ISDIR) && (event.mask & IN_CREATE)) {
        AddTree(path);
      } else if ((event.mask & IN_ISDIR) && (event.mask & (IN_MOVED_TO | IN_MOVED_FROM))) {
        // A folder moved in brings folders with it; one moved within the
        // tree leaves stale paths: look at the whole tree afresh.
        AddTree(root_);
      }
    }
  }
  return changed;
}

}  // namespace banner
