// Worker: one I/O thread's world. Each worker runs its own io_context on its
// own thread with its own SO_REUSEPORT acceptor, sessions, RNG, metrics and
// index snapshot pointer; the only thing shared on the request path is the
// immutable index behind that pointer.
//
// Thread-safety: everything here is touched only by the worker's thread,
// except `ioc` (post() to it from anywhere) and `shared` (immutable or atomic).
// Included only by the networking .cpp files (it pulls in Asio).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <unordered_set>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "clock.h"
#include "exchange.h"
#include "index_holder.h"
#include "metrics.h"
#include "rng.h"
#include "server.h"

namespace banner {

class Session;
class Listener;
class ImageStore;

// Read-only (or atomic) state common to all workers.
struct Shared {
  ServerOptions options;  // as normalised by Server::Create
  const ImageStore* images = nullptr;
  MetricsRegistry* metrics = nullptr;
};

class Worker {
 public:
  Worker(const Shared* shared_state, WorkerMetrics* worker_metrics, uint64_t seed)
      : ioc(1), shutdown_timer(ioc), shared(shared_state), metrics(worker_metrics), rng(seed) {}

  // Sessions still pending in `ioc` (after a shutdown timeout) are destroyed
  // with it, and their destructors call SessionEnded(): `torn_down` and
  // `sessions` are declared before `ioc` so that they outlive it.
  ~Worker() {
    torn_down = true;
    listener.reset();
  }

  // The handler's context for a request handled now.
  Context MakeContext(bool closing) {
    Context ctx;
    const auto now = std::chrono::system_clock::now();
    const int64_t secs = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    if (secs != date_second_) {
      date_second_ = secs;
      date_len_ = FormatHttpDate(secs, date_, sizeof date_);
    }
    ctx.snapshot = snapshot.get();
    ctx.quarter = shared->options.quarter != 0 ? shared->options.quarter : QuarterOf(secs);
    ctx.rng = &rng;
    ctx.images = shared->images;
    ctx.metrics = shared->metrics;
    ctx.now_unix = secs;
    ctx.date = std::string_view(date_, date_len_);
    ctx.closing = closing || stopping;
    return ctx;
  }

  // Called from Session's destructor.
  void SessionEnded(Session* s) {
    sessions.erase(s);
    if (!torn_down && stopping && sessions.empty()) shutdown_timer.cancel();
  }

  bool torn_down = false;
  std::unordered_set<Session*> sessions;
  boost::asio::io_context ioc;
  boost::asio::steady_timer shutdown_timer;
  const Shared* shared;
  WorkerMetrics* metrics;
  Rng rng;
  std::shared_ptr<const IndexSnapshot> snapshot;
  std::shared_ptr<Listener> listener;
  bool stopping = false;

 private:
  int64_t date_second_ = -1;
  char date_[40] = {};
  size_t date_len_ = 0;
};

}  // namespace banner
