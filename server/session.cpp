#include "session.h"

#include <algorithm>
#include <span>
#include <string>

#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>

#include "log.h"
#include "router.h"

namespace banner {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

namespace {

// Bytes asked of one read; a typical request, or a pipelined batch, fits.
constexpr size_t kReadChunk = 8 * 1024;
// Header fields of a typical browser request fit; bigger ones spill to the heap.
constexpr size_t kArenaBytes = 4 * 1024;
// header_bytes_ once the header is complete.
constexpr size_t kHeaderDone = static_cast<size_t>(-1);

// A client that sent "Expect: 100-continue" waits for an interim answer
// before it sends the body. No route takes a body, so the final answer is
// sent instead, at once (RFC 9110 section 10.1.1).
template <typename Message>
bool ExpectsContinue(const Message& msg) {
  const auto it = msg.find(http::field::expect);
  return it != msg.end() && beast::iequals(it->value(), "100-continue");
}

// "Purpose: prefetch" (older browsers) or "Sec-Purpose: prefetch" (with
// ";prerender" or other parameters after it).
bool IsPrefetch(std::string_view name, std::string_view value) {
  return (beast::iequals(name, "sec-purpose") || beast::iequals(name, "purpose")) && value.size() >= 8 &&
         beast::iequals(value.substr(0, 8), "prefetch");
}

}  // namespace

Session::Session(Socket&& socket, Worker* worker)
    : socket_(std::move(socket)),
      // Room for one whole request (head + body) plus a read chunk of the next.
      buffer_(worker->shared().options.header_limit + worker->shared().options.body_limit + kReadChunk),
      arena_(kArenaBytes),
      worker_(worker) {
  worker_->SessionStarted(this);
  worker_->shared().metrics->connections_open.fetch_add(1, std::memory_order_relaxed);
  reply_.head.reserve(512);
  reply_.body.reserve(2048);
  out_.reserve(4096);
}

Session::~Session() {
  worker_->shared().metrics->connections_open.fetch_sub(1, std::memory_order_relaxed);
  worker_->SessionEnded(this);
}

void Session::Start() {
  worker_->metrics().ConnectionOpened();
  beast::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);  // best effort
  ResetParser();
  DoRead();
}

void Session::Shutdown() {
  stopping_ = true;
  if (state_ != State::kIdle) return;  // finish the request in progress
  // Idle keep-alive connection: close it now, unless the next request's bytes
  // are already here (then it is answered, with Connection: close).
  beast::error_code ec;
  const size_t available = socket_.available(ec);
  if (ec || available == 0) socket_.cancel(ec);
}

void Session::OnTimeout() {
  beast::error_code ec;
  socket_.close(ec);  // the pending operation ends with operation_aborted
}

void Session::ResetParser() {
  const ServerOptions& options = worker_->shared().options;
  parser_.reset();
  arena_.Reset();
  parser_.emplace(std::piecewise_construct, std::make_tuple(), std::make_tuple(ArenaAllocator<char>(&arena_)));
  parser_->header_limit(static_cast<std::uint32_t>(options.header_limit));
  parser_->body_limit(options.body_limit);
  header_bytes_ = 0;
  read_armed_ = false;
}

void Session::DoRead() {
  if (buffer_.size() == 0 && !parser_->got_some()) {
    if (stopping_) return DoClose();
    state_ = State::kIdle;
    worker_->ArmTimeout(this, Timeout::kIdle);
  } else {
    // A request has begun: it must arrive whole within one read timeout.
    state_ = State::kReading;
    if (!read_armed_) worker_->ArmTimeout(this, Timeout::kRead);
    read_armed_ = true;
  }
  const size_t room = std::min(kReadChunk, buffer_.max_size() - buffer_.size());
  if (room == 0) return RespondError(431);  // a request larger than the buffer
  socket_.async_read_some(buffer_.prepare(room), beast::bind_front_handler(&Session::OnRead, shared_from_this()));
}

void Session::OnRead(beast::error_code ec, size_t bytes) {
  // eof, reset, timeout (OnTimeout closed the socket) or cancelled by
  // Shutdown(): nothing to answer.
  if (ec) return DoClose();
  if (state_ == State::kIdle) started_ = Clock::now();
  buffer_.commit(bytes);
  Serve();
}

void Session::Serve() {
  out_.clear();
  access_fields_.clear();
  batch_size_ = 0;
  while (batch_size_ < kMaxBatch && out_.size() < kBatchBytes) {
    int status = 0;
    const Parsed parsed = Parse(&status);
    if (parsed == Parsed::kNeedMore) break;
    if (parsed == Parsed::kError) {
      RespondError(status);
      return;
    }
    Respond();
    if (close_after_write_) break;
    ResetParser();
  }
  if (batch_size_ > 0) return DoWrite();
  DoRead();
}

Session::Parsed Session::Parse(int* error_status) {
  const size_t header_limit = worker_->shared().options.header_limit;
  while (buffer_.size() > 0) {
    beast::error_code ec;
    const size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (header_bytes_ != kHeaderDone) {
      // Beast applies its header limit to each chunk it parses, not to the
      // whole header: count the total here.
      header_bytes_ += used;
      if (header_bytes_ > header_limit) {
        *error_status = 431;
        return Parsed::kError;
      }
      if (parser_->is_header_done()) header_bytes_ = kHeaderDone;
    }
    if (ec == http::error::need_more) return Parsed::kNeedMore;
    if (ec) {
      *error_status = ec == http::error::header_limit ? 431 : ec == http::error::body_limit ? 413 : 400;
      return Parsed::kError;
    }
    if (parser_->is_done()) return Parsed::kRequest;
    if (header_bytes_ == kHeaderDone && ExpectsContinue(parser_->get())) return Parsed::kRequest;
    if (used == 0) break;
  }
  return Parsed::kNeedMore;
}

void Session::Respond() {
  const auto& msg = parser_->get();
  Request req;
  req.method = msg.method_string();
  req.target = msg.target();
  req.version = msg.version();
  // Answered before its body (Expect): the connection can't be reused.
  req.keep_alive = msg.keep_alive() && parser_->is_done();
  // One pass over the fields, in arrival order: cheaper than a lookup by
  // name (a case-insensitive tree search) for each field we read.
  req.host_count = 0;
  for (const auto& field : msg) {
    if (field.name() == http::field::host) {
      ++req.host_count;
    } else if (field.name() == http::field::cookie && req.cookie_count < kMaxCookieHeaders) {
      req.cookies[req.cookie_count++] = field.value();
    } else if (field.name() == http::field::unknown && IsPrefetch(field.name_string(), field.value())) {
      req.prefetch = true;
    }
  }
  Handle(req, worker_->MakeContext(stopping_), &reply_);
  AddToBatch();
}

void Session::RespondError(int status) {
  // The target once Beast has parsed the request line (empty before): JSON
  // errors under /api/.
  RenderError(status, parser_->get().target(), worker_->MakeContext(true), &reply_);
  AddToBatch();
  DoWrite();
}

void Session::AddToBatch() {
  Written& w = batch_[batch_size_++];
  const std::string_view payload = reply_.payload();
  out_.append(reply_.head);
  // A body owned elsewhere (a cached image) is written from where it is.
  const bool external = reply_.send_body && !reply_.external.empty();
  if (!external) out_.append(payload);
  w.out_end = out_.size();
  w.external = external ? payload : std::string_view();
  w.bytes = reply_.head.size() + payload.size();
  w.route = reply_.route;
  w.status = reply_.status;
  if (!reply_.keep_alive) close_after_write_ = true;
  if (worker_->shared().options.access_log) {
    access_fields_.append("method=");
    if (parser_->is_header_done()) {
      AppendQuoted(&access_fields_, parser_->get().method_string());
      access_fields_.append(" target=");
      AppendQuoted(&access_fields_, parser_->get().target());
    } else {
      access_fields_.append("\"-\" target=\"-\"");
    }
  }
  w.log_end = access_fields_.size();
}

void Session::DoWrite() {
  state_ = State::kWriting;
  worker_->ArmTimeout(this, Timeout::kWrite);
  read_armed_ = false;
  // out_ in runs, interrupted by the external bodies.
  size_t count = 0;
  size_t run_begin = 0;
  for (size_t i = 0; i < batch_size_; ++i) {
    const Written& w = batch_[i];
    if (w.external.empty()) continue;
    if (w.out_end > run_begin) write_buffers_[count++] = asio::buffer(out_.data() + run_begin, w.out_end - run_begin);
    write_buffers_[count++] = asio::buffer(w.external.data(), w.external.size());
    run_begin = w.out_end;
  }
  if (out_.size() > run_begin) write_buffers_[count++] = asio::buffer(out_.data() + run_begin, out_.size() - run_begin);
  asio::async_write(socket_, std::span<const asio::const_buffer>(write_buffers_.data(), count),
                    beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
}

void Session::OnWrite(beast::error_code ec, size_t bytes) {
  const Clock::time_point now = Clock::now();
  const int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(now - started_).count();
  const bool access_log = worker_->shared().options.access_log;
  size_t log_begin = 0;
  for (size_t i = 0; i < batch_size_; ++i) {
    const Written& w = batch_[i];
    worker_->metrics().Record(w.route, w.status, static_cast<uint64_t>(us));
    const size_t sent = std::min(w.bytes, bytes);
    bytes -= sent;
    if (access_log) AccessLog(w, log_begin, sent, us);
    log_begin = w.log_end;
  }
  batch_size_ = 0;
  if (ec) return DoClose();
  if (close_after_write_ || stopping_) return DoLingeringClose();
  started_ = now;  // for the requests already buffered
  Serve();
}

void Session::DoClose() {
  state_ = State::kClosing;
  worker_->DisarmTimeout(this);
  beast::error_code ec;
  // The socket closes when the last handler lets go of the session.
  if (socket_.is_open()) socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

void Session::DoLingeringClose() {
  state_ = State::kClosing;
  beast::error_code ec;
  if (!socket_.is_open()) return;
  // Send FIN, then drain what the client still sends for a moment before
  // closing: closing with unread bytes would send a reset that can destroy
  // the response we just wrote before the client reads it.
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (ec) return;
  buffer_.clear();
  // While the server stops, linger only briefly: exiting matters more.
  worker_->ArmTimeout(this, stopping_ ? Timeout::kStopLinger : Timeout::kLinger);
  socket_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&Session::OnLinger, shared_from_this()));
}

void Session::OnLinger(beast::error_code ec, size_t /*bytes*/) {
  if (ec) return;  // eof, timeout or error: the session ends and the socket closes
  buffer_.clear();
  socket_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&Session::OnLinger, shared_from_this()));
}

void Session::AccessLog(const Written& w, size_t log_begin, size_t bytes, int64_t us) {
  std::string fields(access_fields_, log_begin, w.log_end - log_begin);
  fields.append(" status=").append(std::to_string(w.status));
  fields.append(" route=").append(RouteName(w.route));
  fields.append(" bytes=").append(std::to_string(bytes));
  fields.append(" us=").append(std::to_string(us));
  LogEvent("info", "access", fields);
}

}  // namespace banner
