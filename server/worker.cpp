#include "worker.h"

#include <unistd.h>

#include <algorithm>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>

#include "clock.h"
#include "listener.h"
#include "session.h"

namespace banner {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

// A connection's descriptor on its way to another worker; closed if it never
// gets there (that worker's io_context destroyed with the handler pending).
class HandedOver {
 public:
  explicit HandedOver(int fd) : fd_(fd) {}
  HandedOver(HandedOver&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  HandedOver& operator=(HandedOver&&) = delete;
  ~HandedOver() {
    if (fd_ >= 0) ::close(fd_);
  }
  int Release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

std::array<Clock::duration, kTimeoutKinds> TimeoutLengths(const ServerOptions& options) {
  std::array<Clock::duration, kTimeoutKinds> lengths;
  lengths[static_cast<size_t>(Timeout::kIdle)] = options.idle_timeout;
  lengths[static_cast<size_t>(Timeout::kRead)] = options.read_timeout;
  lengths[static_cast<size_t>(Timeout::kWrite)] = options.write_timeout;
  lengths[static_cast<size_t>(Timeout::kLinger)] = Session::kLinger;
  lengths[static_cast<size_t>(Timeout::kStopLinger)] = Session::kStopLinger;
  return lengths;
}

// A quarter of the shortest timeout, within 5..100 ms: a timeout fires at
// most two ticks late, and an idle server is woken at most ten times a second.
Clock::duration TickOf(const std::array<Clock::duration, kTimeoutKinds>& lengths) {
  const Clock::duration shortest = *std::min_element(lengths.begin(), lengths.end());
  return std::clamp<Clock::duration>(shortest / 4, std::chrono::milliseconds(5), std::chrono::milliseconds(100));
}

}  // namespace

Worker::Worker(const Shared* shared, WorkerMetrics* metrics, uint64_t seed,
               std::shared_ptr<const IndexSnapshot> snapshot, EventSink* events)
    : shared_(shared),
      metrics_(metrics),
      timeouts_(TimeoutLengths(shared->options), TickOf(TimeoutLengths(shared->options))),
      // Only this worker's thread touches its sockets (the listener binds
      // before Run()), so Asio's per-socket locks can go; posting from other
      // threads (Install, BeginShutdown) still takes the scheduler's.
      ioc_(BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO),
      shutdown_timer_(ioc_),
      ticker_(ioc_),
      rng_(seed),
      events_(events),
      snapshot_(std::move(snapshot)) {
  ReadClocks();
}

Worker::~Worker() {
  torn_down_ = true;
  listener_.reset();
}

Status Worker::Listen(const asio::ip::tcp::endpoint& endpoint, int backlog) {
  protocol_ = endpoint.protocol();
  Status st;
  listener_ = Listener::Create(this, endpoint, backlog, &st);
  return st;
}

uint16_t Worker::port() const { return listener_->local_endpoint().port(); }

void Worker::Run() {
  listener_->Run();
  ioc_.run();
}

void Worker::Install(std::shared_ptr<const IndexSnapshot> snapshot, std::function<void()> installed) {
  asio::post(ioc_, [this, snapshot = std::move(snapshot), installed = std::move(installed)]() mutable {
    snapshot_ = std::move(snapshot);
    if (installed) installed();
  });
}

void Worker::BeginShutdown(std::chrono::steady_clock::time_point deadline) {
  asio::post(ioc_, [this, deadline] {
    stopping_ = true;
    if (listener_) listener_->Stop();
    const std::vector<Session*> sessions(sessions_.begin(), sessions_.end());
    for (Session* s : sessions) s->Shutdown();
    if (!sessions_.empty()) {
      shutdown_timer_.expires_at(deadline);
      shutdown_timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) ioc_.stop();  // in-flight work overran --shutdown-timeout
      });
    }
  });
}

void Worker::Place(Socket socket) {
  Worker* target = this;
  int64_t fewest = metrics_->connections_open.load(std::memory_order_relaxed);
  for (Worker* w : shared_->workers) {
    const int64_t n = w->metrics_->connections_open.load(std::memory_order_relaxed);
    if (n < fewest) {
      fewest = n;
      target = w;
    }
  }
  // Counted at once, so that the next placement, here or on another thread,
  // sees it.
  target->metrics_->connections_open.fetch_add(1, std::memory_order_relaxed);
  if (target == this) return StartSession(std::move(socket));
  boost::system::error_code ec;
  HandedOver fd(socket.release(ec));
  if (ec) {
    target->metrics_->connections_open.fetch_sub(1, std::memory_order_relaxed);
    return;  // the socket closes
  }
  asio::post(target->ioc_, [target, fd = std::move(fd)]() mutable { target->Adopt(fd.Release()); });
}

void Worker::Adopt(int fd) {
  Socket socket(ioc_.get_executor());
  boost::system::error_code ec;
  socket.assign(protocol_, fd, ec);
  if (ec) ::close(fd);
  if (ec || stopping_) {  // stopping: as if it had waited in the closed listener's queue
    metrics_->connections_open.fetch_sub(1, std::memory_order_relaxed);
    return;
  }
  StartSession(std::move(socket));
}

void Worker::StartSession(Socket socket) { std::make_shared<Session>(std::move(socket), this)->Start(); }

Context Worker::MakeContext(bool closing) {
  Context ctx;
  ctx.snapshot = snapshot_.get();
  ctx.quarter = shared_->options.quarter != 0 ? shared_->options.quarter : QuarterOf(now_unix_);
  ctx.rng = &rng_;
  ctx.images = shared_->images;
  ctx.metrics = shared_->metrics;
  ctx.now_unix = now_unix_;
  ctx.date = std::string_view(date_, date_len_);
  ctx.closing = closing || stopping_;
  ctx.draining = shared_->draining.load(std::memory_order_relaxed);
  ctx.events = events_;
  ctx.click_target = shared_->options.click_target;
  return ctx;
}

void Worker::SessionStarted(Session* session) { sessions_.insert(session); }

void Worker::SessionEnded(Session* session) {
  sessions_.erase(session);
  metrics_->connections_open.fetch_sub(1, std::memory_order_relaxed);
  // The last session gone: Run() needn't wait for the deadline or a tick.
  if (!torn_down_ && stopping_ && sessions_.empty()) {
    shutdown_timer_.cancel();
    ticker_.cancel();
    ticking_ = false;
  }
}

void Worker::ArmTimeout(Session* session, Timeout kind) {
  if (!ticking_) StartTicker();
  timeouts_.Arm(session, kind);
}

void Worker::DisarmTimeout(Session* session) { timeouts_.Disarm(session); }

void Worker::StartTicker() {
  ReadClocks();  // the queue's "now" is as old as the last tick
  ticking_ = true;
  ticker_.expires_after(timeouts_.tick());
  ticker_.async_wait([this](boost::system::error_code ec) { OnTick(ec); });
}

void Worker::OnTick(boost::system::error_code ec) {
  if (ec) return;  // cancelled: ticking_ was reset by whoever cancelled
  const Clock::time_point now = ReadClocks();
  timeouts_.Expire(now, [](TimeoutQueue::Entry* e) { static_cast<Session*>(e)->OnTimeout(); });
  if (timeouts_.empty()) {
    ticking_ = false;  // the next ArmTimeout() starts it again
    return;
  }
  ticker_.expires_at(now + timeouts_.tick());
  ticker_.async_wait([this](boost::system::error_code wait_ec) { OnTick(wait_ec); });
}

Clock::time_point Worker::ReadClocks() {
  const Clock::time_point now = Clock::now();
  timeouts_.Tick(now);
  const int64_t secs = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  if (secs != now_unix_) {
    now_unix_ = secs;
    date_len_ = FormatHttpDate(secs, date_, sizeof date_);
  }
  return now;
}

}  // namespace banner
