// Worker: one I/O thread's world. Each worker runs its own io_context on its
// own thread with its own SO_REUSEPORT listener, sessions, RNG, metrics and
// index snapshot pointer; the only thing shared on the request path is the
// immutable index behind that pointer. Per accepted connection, Place()
// reads the other workers' connection counts.
//
// Time: one coarse ticker per worker, running while any session has a
// deadline, expires the sessions' timeouts (TimeoutQueue) and refreshes the
// wall clock the handler sees (Date header, quarter). The request path arms
// deadlines and dates responses without a syscall or a clock read; only the
// latency metric reads the steady clock, at a batch's start and end.
//
// The worker owns its listener and its sessions and stops them itself; the
// server reaches a running worker only through Install() and BeginShutdown(),
// which post to the worker's thread.
//
//   Worker w(&shared, metrics, seed, first_snapshot);
//   w.Listen(endpoint, backlog);    // before Run(): binds
//   thread: w.Run();                // accepts and serves until shut down
//   any thread: w.Install(next_snapshot, on_installed);
//   any thread: w.BeginShutdown(deadline);   // then Run() returns
//
// Thread-safety: Install() and BeginShutdown() from any thread; the
// constructor, Listen() and port() before Run(); everything else (what the
// listener and the sessions call) on the worker's thread only.
// Included only by the networking .cpp files (it pulls in Asio).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_set>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "exchange.h"
#include "index_holder.h"
#include "metrics.h"
#include "rng.h"
#include "server.h"
#include "status.h"
#include "timeout_queue.h"

namespace banner {

class Session;
class Listener;
class ImageStore;
class EventLog;
class EventSink;

// A connection's socket, bound to its worker's io_context (no type-erased
// executor on the request path).
using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

class Worker;

// Read-only (or atomic) state common to all workers.
struct Shared {
  ServerOptions options;  // as normalised by Server::Create
  std::atomic<bool> draining{false};  // SIGTERM's drain period has begun
  const ImageStore* images = nullptr;
  MetricsRegistry* metrics = nullptr;
  std::vector<Worker*> workers;  // all of them, set before any runs
  EventLog* events = nullptr;    // with --events-dir
};

class Worker {
 public:
  // Serves `snapshot` (never null) until Install() replaces it.
  // `events`: this worker's sink, or null without --events-dir.
  Worker(const Shared* shared, WorkerMetrics* metrics, uint64_t seed,
         std::shared_ptr<const IndexSnapshot> snapshot, EventSink* events);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Before Run(): opens, binds and listens on `endpoint` (SO_REUSEPORT).
  Status Listen(const boost::asio::ip::tcp::endpoint& endpoint, int backlog);
  // The bound port (the one picked for port 0), after Listen().
  uint16_t port() const;

  // Accepts and serves on the calling thread; returns once BeginShutdown()
  // has let every session end, or at its deadline. REQUIRES: Listen() succeeded.
  void Run();

  // Any thread. The worker serves `snapshot` from its next request on, then
  // calls installed() (if set) on its own thread.
  void Install(std::shared_ptr<const IndexSnapshot> snapshot, std::function<void()> installed);

  // Any thread. Graceful stop: the listener closes, idle connections close
  // now, requests being read or written are finished (with Connection:
  // close). Sessions still running at `deadline` are abandoned: Run()
  // returns and they are destroyed with the worker.
  void BeginShutdown(std::chrono::steady_clock::time_point deadline);

  // --- For the listener and the sessions, on the worker's thread. ---
  boost::asio::io_context::executor_type executor() { return ioc_.get_executor(); }
  const Shared& shared() const { return *shared_; }
  WorkerMetrics& metrics() { return *metrics_; }
  // A connection the listener accepted: its session starts on the worker
  // that serves the fewest connections (this one on a tie), so that a few
  // long-lived connections, which SO_REUSEPORT hashes to listeners at random,
  // don't pile up on one thread. Another worker gets the descriptor posted.
  void Place(Socket socket);
  // The handler's context for a request handled now.
  Context MakeContext(bool closing);
  // Called from Session's constructor and destructor.
  void SessionStarted(Session* session);
  void SessionEnded(Session* session);
  // (Re)arms the session's deadline; Session::OnTimeout() runs when it passes.
  void ArmTimeout(Session* session, Timeout kind);
  void DisarmTimeout(Session* session);

 private:
  // On this worker's thread, a connection Place() handed over.
  void Adopt(int fd);
  void StartSession(Socket socket);
  void StartTicker();
  void OnTick(boost::system::error_code ec);
  // Reads both clocks: the timeouts' "now" (returned), the Date header and
  // the quarter.
  std::chrono::steady_clock::time_point ReadClocks();

  // Sessions still pending in ioc_ (after a shutdown timeout) are destroyed
  // with it, and their destructors call SessionEnded() and shared() and
  // leave timeouts_: what those touch is declared before ioc_, so that it
  // outlives it.
  const Shared* const shared_;
  WorkerMetrics* const metrics_;
  bool torn_down_ = false;  // set by ~Worker: the timers are gone
  bool stopping_ = false;   // BeginShutdown() ran
  std::unordered_set<Session*> sessions_;
  TimeoutQueue timeouts_;
  boost::asio::io_context ioc_;
  boost::asio::steady_timer shutdown_timer_;
  boost::asio::steady_timer ticker_;
  bool ticking_ = false;  // ticker_ has a wait pending that will tick
  Rng rng_;
  EventSink* const events_;
  std::shared_ptr<const IndexSnapshot> snapshot_;
  std::shared_ptr<Listener> listener_;
  boost::asio::ip::tcp protocol_ = boost::asio::ip::tcp::v4();  // of the listening address
  // Wall clock as of the last tick; the Date header formatted from it.
  int64_t now_unix_ = 0;
  char date_[40] = {};
  size_t date_len_ = 0;
};

}  // namespace banner
