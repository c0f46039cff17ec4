// IndexWatcher: notices that the index file was replaced.
//
// Watches the index's folder with inotify for IN_MOVED_TO (bannerc renames a
// temporary file into place) and IN_CLOSE_WRITE (a copy written in place) of
// the index's file name, and calls on_change() on the io_context's thread;
// also after an inotify queue overflow, when events may have been lost.
// Deleting the file (or renaming it away) is not watched: nothing is
// reloaded, logged or counted then, and the current index keeps serving. A
// reload asked for while the file is missing (SIGHUP, Server::Reload()) fails
// and is logged; a file written or renamed there later is picked up. The
// watch is on the folder as it was at Start(): a folder, or a symlink along
// the path, replaced later is not followed.
// (SIGHUP is handled by the server, next to SIGTERM.)
//
// Thread-safety: Start/Stop and the callback run on the io_context's thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "status.h"

namespace boost::asio {
class io_context;
}

namespace banner {

class IndexWatcher {
 public:
  IndexWatcher(boost::asio::io_context& ioc, std::string index_path, std::function<void()> on_change);
  ~IndexWatcher();

  Status Start();
  void Stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace banner
