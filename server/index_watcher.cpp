#include "index_watcher.h"

#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "log.h"
#include "path_resolution.h"

namespace banner {

namespace asio = boost::asio;

namespace {

// What a directory along the path reports: its entries appearing,
// disappearing or being renamed, and itself being moved or deleted. The
// file's own folder also reports writes in place (IN_CLOSE_WRITE).
constexpr uint32_t kEntryEvents =
    IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;

// What the backstop compares.
struct FileIdentity {
  bool present = false;
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileIdentity&) const = default;
};

FileIdentity IdentityOf(const std::string& path) {
  FileIdentity id;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return id;
  id.present = true;
  id.dev = st.st_dev;
  id.ino = st.st_ino;
  id.size = st.st_size;
  id.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  return id;
}

bool IsRegularFile(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

struct IndexWatcher::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& ioc, std::string index_path, Options opts, std::function<void(std::string_view)> cb)
      : stream(ioc), timer(ioc), path(std::move(index_path)), options(opts), on_change(std::move(cb)) {}

  // An entry the path's resolution reads: `name` in the directory `dir`,
  // watched as `wd`.
  struct Watch {
    int wd;
    std::string dir;
    std::string name;
  };

  // Watches the path as it resolves now, and drops the watches of
  // directories it no longer goes through.
  void Arm() {
    const int fd = stream.native_handle();
    std::vector<Watch> next;
    std::string now_resolved;
    const bool found = ResolvePath(
        path,
        [&](const std::string& dir, const std::string& name) {
          const int wd = inotify_add_watch(fd, dir.c_str(), kEntryEvents);
          if (wd < 0) return WarnUnwatched(dir);
          next.push_back({wd, dir, name});
        },
        &now_resolved);
    if (found && !next.empty() &&
        inotify_add_watch(fd, next.back().dir.c_str(), kEntryEvents | IN_CLOSE_WRITE | IN_MASK_ADD) < 0) {
      WarnUnwatched(next.back().dir);
    }
    for (const Watch& old : watches) {
      const bool kept = std::any_of(next.begin(), next.end(), [&](const Watch& w) { return w.wd == old.wd; });
      if (!kept) inotify_rm_watch(fd, old.wd);  // its IN_IGNORED is dropped as stale
    }
    watches = std::move(next);
    if (found && now_resolved != resolved) {
      if (!resolved.empty()) {
        std::string fields = "path=";
        AppendQuoted(&fields, path);
        fields.append(" resolves_to=");
        AppendQuoted(&fields, now_resolved);
        LogEvent("info", "index_path_followed", fields);
      }
      resolved = now_resolved;
    }
  }

  // Logged once: the backstop covers the folder from then on.
  void WarnUnwatched(const std::string& dir) {
    if (warned) return;
    warned = true;
    std::string fields = "dir=";
    AppendQuoted(&fields, dir);
    fields.append(" error=");
    AppendQuoted(&fields, std::strerror(errno));
    fields.append(options.poll_interval.count() > 0 ? " action=\"the periodic check covers it\""
                                                    : " action=\"changes there need a SIGHUP\"");
    LogEvent("warn", "watch_incomplete", fields);
  }

  // Re-arms, then reports a change if `force` or if the file is not the one
  // seen last.
  void Check(bool force, std::string_view reason) {
    if (stream.is_open()) Arm();
    const FileIdentity now = IdentityOf(path);
    if (!force && now == identity) return;
    identity = now;
    on_change(reason);
  }

  void Read() {
    stream.async_read_some(asio::buffer(buffer), [self = shared_from_this()](boost::system::error_code ec,
                                                                             size_t n) { self->OnRead(ec, n); });
  }

  void OnRead(boost::system::error_code ec, size_t n) {
    if (ec || stopped) return;
    bool check = false;
    bool force = false;  // the file was written in place, or events were lost
    size_t offset = 0;
    while (offset + sizeof(inotify_event) <= n) {
      inotify_event event;
      std::memcpy(&event, buffer.data() + offset, sizeof event);
      const char* name = buffer.data() + offset + sizeof event;
      const std::string_view event_name(name, offset + sizeof event + event.len <= n ? strnlen(name, event.len) : 0);
      offset += sizeof event + event.len;
      if ((event.mask & IN_Q_OVERFLOW) != 0) {
        check = force = true;
        continue;
      }
      for (const Watch& w : watches) {
        if (w.wd != event.wd) continue;
        if ((event.mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) != 0) {
          check = true;
        } else if (event_name == w.name) {
          if ((event.mask & IN_CLOSE_WRITE) != 0) force = true;
          // A new regular file is read once written (its IN_CLOSE_WRITE).
          const bool being_written = (event.mask & IN_CREATE) != 0 && IsRegularFile(w.dir + "/" + w.name);
          check |= !being_written;
        }
      }
    }
    if (check) Check(force, "inotify");
    if (!stopped) Read();
  }

  void Poll() {
    timer.expires_after(options.poll_interval);
    timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->stopped) return;
      if (IdentityOf(self->path) != self->identity) self->Check(false, "poll");
      self->Poll();
    });
  }

  asio::posix::stream_descriptor stream;
  asio::steady_timer timer;
  std::string path;  // absolute; symlinks and ".." as given
  const Options options;
  std::function<void(std::string_view)> on_change;
  std::vector<Watch> watches;  // the entries the last resolution read, in order
  std::string resolved;        // where the path last led
  FileIdentity identity;       // of the file last reported
  alignas(inotify_event) std::array<char, 16 * 1024> buffer{};
  bool warned = false;
  bool stopped = false;
};

IndexWatcher::IndexWatcher(asio::io_context& ioc, std::string index_path, Options options,
                           std::function<void(std::string_view reason)> on_change)
    : impl_(std::make_shared<Impl>(ioc, std::move(index_path), options, std::move(on_change))) {}

IndexWatcher::~IndexWatcher() { Stop(); }

Status IndexWatcher::Start() {
  Impl& s = *impl_;
  s.path = std::filesystem::absolute(s.path).string();
  Status st = Status::Ok();
  if (s.options.inotify) {
    const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) {
      st = Status::Error(std::string("inotify_init1: ") + std::strerror(errno));
    } else {
      s.stream.assign(fd);
      s.Arm();
      s.Read();
    }
  }
  s.identity = IdentityOf(s.path);
  if (s.options.poll_interval.count() > 0) s.Poll();
  return st;
}

void IndexWatcher::Stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  boost::system::error_code ec;
  impl_->stream.close(ec);
  impl_->timer.cancel();
}

}  // namespace banner
