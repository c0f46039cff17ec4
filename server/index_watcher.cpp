#include "index_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

namespace banner {

namespace asio = boost::asio;

struct IndexWatcher::Impl : std::enable_shared_from_this<Impl> {
  Impl(asio::io_context& ioc, std::string path, std::function<void()> cb)
      : stream(ioc), index_path(std::move(path)), on_change(std::move(cb)) {}

  void Read() {
    stream.async_read_some(asio::buffer(buffer), [self = shared_from_this()](boost::system::error_code ec,
                                                                             size_t n) { self->OnRead(ec, n); });
  }

  void OnRead(boost::system::error_code ec, size_t n) {
    if (ec || stopped) return;
    bool changed = false;
    size_t offset = 0;
    while (offset + sizeof(inotify_event) <= n) {
      inotify_event event;
      std::memcpy(&event, buffer.data() + offset, sizeof event);
      if ((event.mask & IN_Q_OVERFLOW) != 0) changed = true;  // events were lost: check anyway
      if (event.len > 0 && offset + sizeof event + event.len <= n) {
        const char* name = buffer.data() + offset + sizeof event;
        const std::string_view event_name(name, strnlen(name, event.len));
        if (event_name == file_name && (event.mask & (IN_MOVED_TO | IN_CLOSE_WRITE)) != 0) changed = true;
      }
      offset += sizeof event + event.len;
    }
    // One reload for a burst of events read together.
    if (changed) on_change();
    if (!stopped) Read();
  }

  asio::posix::stream_descriptor stream;
  std::string index_path;
  std::string file_name;
  std::function<void()> on_change;
  alignas(inotify_event) std::array<char, 16 * 1024> buffer{};
  bool stopped = false;
};

IndexWatcher::IndexWatcher(asio::io_context& ioc, std::string index_path, std::function<void()> on_change)
    : impl_(std::make_shared<Impl>(ioc, std::move(index_path), std::move(on_change))) {}

IndexWatcher::~IndexWatcher() { Stop(); }

Status IndexWatcher::Start() {
  namespace fs = std::filesystem;
  const fs::path path = fs::absolute(impl_->index_path);
  impl_->file_name = path.filename().string();
  const std::string dir = path.parent_path().string();
  const int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) return Status::Error(std::string("inotify_init1: ") + std::strerror(errno));
  if (inotify_add_watch(fd, dir.c_str(), IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
    const int err = errno;
    ::close(fd);
    return Status::Error("inotify_add_watch " + dir + ": " + std::strerror(err));
  }
  impl_->stream.assign(fd);
  impl_->Read();
  return Status::Ok();
}

void IndexWatcher::Stop() {
  if (!impl_ || impl_->stopped) return;
  impl_->stopped = true;
  boost::system::error_code ec;
  impl_->stream.close(ec);
}

}  // namespace banner
