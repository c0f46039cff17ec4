// IndexWatcher: notices that the file the index path names has changed.
//
// The path is followed as a path, not as a watched inode: inotify watches
// every directory its resolution reads (path_resolution.h), each for the one
// entry it looks up there, so replacing the file (bannerc renames a temporary
// file into place), writing it in place, replacing a folder along the path
// (`mv idx old && mv new idx`) or re-pointing a symlink anywhere along it
// (`ln -s releases/8 current.tmp && mv -T current.tmp current`) is noticed
// at once; the watches are then re-armed on the path as it now resolves, so
// a write into the old folder no longer counts. The file going missing
// (deleted, renamed away, a folder or symlink along the path gone) is a
// change too, reported at once. A cheap periodic stat() of the path (device,
// inode, size, mtime) is the backstop for what inotify can't see (network
// file systems, a folder it may not watch, a lost event).
//
// on_change(reason) runs on the io_context's thread: reason is "inotify" or
// "poll". A burst of events read together gives one call; a change seen by
// the backstop only when the file's identity differs from the last one seen.
//
// Thread-safety: Start/Stop and the callback run on the io_context's thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "status.h"

namespace boost::asio {
class io_context;
}

namespace banner {

class IndexWatcher {
 public:
  struct Options {
    bool inotify = true;
    std::chrono::milliseconds poll_interval{1000};  // 0: no backstop
  };

  IndexWatcher(boost::asio::io_context& ioc, std::string index_path, Options options,
               std::function<void(std::string_view reason)> on_change);
  ~IndexWatcher();

  // An error means inotify could not be set up; the backstop (if any) runs anyway.
  Status Start();
  void Stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace banner
