#include "worker.h"

#include <utility>
#include <vector>

#include <boost/asio/post.hpp>

#include "clock.h"
#include "listener.h"
#include "session.h"

namespace banner {

namespace asio = boost::asio;

Worker::Worker(const Shared* shared, WorkerMetrics* metrics, uint64_t seed,
               std::shared_ptr<const IndexSnapshot> snapshot)
    : shared_(shared),
      metrics_(metrics),
      ioc_(1),
      shutdown_timer_(ioc_),
      rng_(seed),
      snapshot_(std::move(snapshot)) {}

Worker::~Worker() {
  torn_down_ = true;
  listener_.reset();
}

Status Worker::Listen(const asio::ip::tcp::endpoint& endpoint, int backlog) {
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

Context Worker::MakeContext(bool closing) {
  Context ctx;
  const auto now = std::chrono::system_clock::now();
  const int64_t secs = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (secs != date_second_) {
    date_second_ = secs;
    date_len_ = FormatHttpDate(secs, date_, sizeof date_);
  }
  ctx.snapshot = snapshot_.get();
  ctx.quarter = shared_->options.quarter != 0 ? shared_->options.quarter : QuarterOf(secs);
  ctx.rng = &rng_;
  ctx.images = shared_->images;
  ctx.metrics = shared_->metrics;
  ctx.now_unix = secs;
  ctx.date = std::string_view(date_, date_len_);
  ctx.closing = closing || stopping_;
  ctx.draining = shared_->draining.load(std::memory_order_relaxed);
  return ctx;
}

void Worker::SessionStarted(Session* session) { sessions_.insert(session); }

void Worker::SessionEnded(Session* session) {
  sessions_.erase(session);
  // The last session gone: Run() needn't wait for the deadline.
  if (!torn_down_ && stopping_ && sessions_.empty()) shutdown_timer_.cancel();
}

}  // namespace banner
