// Server: bannerd assembled — N I/O workers (one io_context + thread +
// SO_REUSEPORT listener each), the index holder that publishes snapshots to
// them, the index path's watcher, and a control thread that reloads the index and
// handles signals (SIGHUP: reload; SIGTERM: drain, then graceful stop;
// SIGINT, or a second SIGTERM: graceful stop at once). It tells systemd what
// it does (systemd_notify.h).
//
// Used by bannerd's main and, in-process, by the tests.
//
//   Status st;
//   auto server = Server::Create(options, &st);   // loads + verifies the index, binds
//   server->Start();                              // threads run
//   server->Wait();                               // until Stop() or a signal
//
// Thread-safety: Start/Wait from the owning thread; Stop/Reload/port/
// current_generation from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "status.h"

namespace banner {

struct ServerOptions {
  std::string index_path;
  std::string listen = "127.0.0.1:8080";  // host:port, [v6]:port; port 0 picks one
  unsigned threads = 0;                   // 0: one per core
  std::string images_dir;                 // empty: SVG placeholders only
  int quarter = 0;                        // 1..4 pins the quarter; 0: UTC clock
  size_t header_limit = 8 * 1024;
  size_t body_limit = 64 * 1024;
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds shutdown_timeout{10'000};
  // SIGTERM first answers /readyz with 503 for this long, serving everything
  // else as before, so that load balancers stop sending; then the graceful
  // stop. 0: stop at once.
  std::chrono::milliseconds drain_period{0};
  size_t max_connections = 10'000;
  int backlog = 1024;
  size_t image_cache_bytes = 256u << 20;
  size_t image_max_file_bytes = 16u << 20;
  bool access_log = false;
  // false: the index's bytes are copied into memory (immune to the file being
  // overwritten in place); true: the file is mmap'ed (zero-copy; replace it
  // only by rename).
  bool map_index = false;
  // Follow the index path (index_watcher.h): inotify on every folder along
  // it, and a stat() of it every poll_interval as a backstop (0: never).
  bool watch = true;
  std::chrono::milliseconds poll_interval{1000};
  bool handle_signals = false;  // SIGHUP/SIGTERM/SIGINT (bannerd: true)
  // Impressions and clicks (event_log.h); empty events_dir: none recorded.
  std::string events_dir;
  std::string events_host;         // empty: the host name, cut to [A-Za-z0-9-]
  int events_host_id = -1;         // -1: a hash of events_host, 0..1023
  int events_rotate_seconds = 900;
  std::chrono::milliseconds events_flush_interval{100};
  // Where /click/... redirects: {campaign_id} and {banner_id} are replaced;
  // CR, LF and other control characters are refused. Empty: a "thanks" page.
  std::string click_target;
};

class Server {
 public:
  // Loads and verifies the index, loads the images, binds the listeners.
  // On failure returns nullptr with a message for a person in *error.
  static std::unique_ptr<Server> Create(const ServerOptions& options, Status* error);
  ~Server();  // Stop() + Wait() if still running

  uint16_t port() const;
  void Start();
  // Graceful: stop accepting, answer what is in flight, then Wait() returns.
  void Stop();
  void Wait();

  // Reloads the index now (as SIGHUP does) and returns once every I/O thread
  // serves the new one, or the error that kept the old one serving.
  Status Reload();
  uint64_t current_generation() const;

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace banner
