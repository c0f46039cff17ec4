#include "session.h"

#include <array>
#include <string>

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/read.hpp>

#include "log.h"
#include "router.h"
#include "worker.h"

namespace banner {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

namespace {

// First read of an idle connection; a typical request fits.
constexpr size_t kReadChunk = 8 * 1024;
// Header fields of a typical browser request fit; bigger ones spill to the heap.
constexpr size_t kArenaBytes = 4 * 1024;
// header_bytes_ once the header is complete.
constexpr size_t kHeaderDone = static_cast<size_t>(-1);

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category();
}

// A client that sent "Expect: 100-continue" waits for an interim answer
// before it sends the body. No route takes a body, so the final answer is
// sent instead, at once (RFC 9110 section 10.1.1).
template <typename Message>
bool ExpectsContinue(const Message& msg) {
  const auto it = msg.find(http::field::expect);
  return it != msg.end() && beast::iequals(it->value(), "100-continue");
}

}  // namespace

Session::Session(asio::ip::tcp::socket&& socket, Worker* worker)
    : stream_(std::move(socket)),
      // Room for one whole request (head + body) plus a read chunk of the next.
      buffer_(worker->shared().options.header_limit + worker->shared().options.body_limit + kReadChunk),
      arena_(kArenaBytes),
      worker_(worker) {
  worker_->SessionStarted(this);
  worker_->shared().metrics->connections_open.fetch_add(1, std::memory_order_relaxed);
  reply_.head.reserve(512);
  reply_.body.reserve(2048);
}

Session::~Session() {
  worker_->shared().metrics->connections_open.fetch_sub(1, std::memory_order_relaxed);
  worker_->SessionEnded(this);
}

void Session::Start() {
  worker_->metrics().ConnectionOpened();
  beast::error_code ec;
  stream_.socket().set_option(asio::ip::tcp::no_delay(true), ec);  // best effort
  DoReadIdle();
}

void Session::Shutdown() {
  stopping_ = true;
  if (state_ != State::kIdle) return;  // finish the request in progress
  // Idle keep-alive connection: close it now, unless the next request's bytes
  // are already here (then it is answered, with Connection: close).
  beast::error_code ec;
  const size_t available = stream_.socket().available(ec);
  if (ec || available == 0) stream_.cancel();
}

void Session::OnTimeout() {
  beast::error_code ec;
  stream_.socket().close(ec);  // the pending operation ends with operation_aborted
}

void Session::DoReadIdle() {
  state_ = State::kIdle;
  const ServerOptions& options = worker_->shared().options;
  parser_.reset();
  arena_.Reset();
  parser_.emplace(std::piecewise_construct, std::make_tuple(), std::make_tuple(ArenaAllocator<char>(&arena_)));
  parser_->header_limit(static_cast<std::uint32_t>(options.header_limit));
  parser_->body_limit(options.body_limit);
  if (buffer_.size() > 0) return DoRead();  // a pipelined request is waiting
  if (stopping_) return DoClose();
  worker_->ArmTimeout(this, Timeout::kIdle);
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&Session::OnReadIdle, shared_from_this()));
}

void Session::OnReadIdle(beast::error_code ec, size_t bytes) {
  // eof, idle timeout (OnTimeout closed the socket), reset, or cancelled by
  // Shutdown(): nothing to answer.
  if (ec) return DoClose();
  buffer_.commit(bytes);
  DoRead();
}

void Session::DoRead() {
  state_ = State::kReading;
  started_ = std::chrono::steady_clock::now();
  header_bytes_ = 0;
  worker_->ArmTimeout(this, Timeout::kRead);
  DoReadSome();
}

void Session::DoReadSome() {
  http::async_read_some(stream_, buffer_, *parser_,
                        beast::bind_front_handler(&Session::OnReadSome, shared_from_this()));
}

void Session::OnReadSome(beast::error_code ec, size_t bytes) {
  if (ec) {
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) return RespondError(431);
    if (ec == http::error::body_limit) return RespondError(413);
    if (IsHttpParseError(ec) && ec != http::error::end_of_stream && ec != http::error::partial_message) {
      return RespondError(400);
    }
    // end of stream, timeout (OnTimeout closed the socket), reset, cancel.
    return DoClose();
  }
  if (header_bytes_ != kHeaderDone) {
    // Beast applies its header limit to each chunk it parses, not to the
    // whole header: count the total here.
    header_bytes_ += bytes;
    if (header_bytes_ > worker_->shared().options.header_limit) return RespondError(431);
    if (parser_->is_header_done()) header_bytes_ = kHeaderDone;
  }
  if (parser_->is_done()) return Respond();
  if (header_bytes_ == kHeaderDone && ExpectsContinue(parser_->get())) return Respond();
  DoReadSome();
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
  // name (a case-insensitive tree search) for each of the two.
  req.host_count = 0;
  for (const auto& field : msg) {
    if (field.name() == http::field::host) {
      ++req.host_count;
    } else if (field.name() == http::field::cookie && req.cookie_count < kMaxCookieHeaders) {
      req.cookies[req.cookie_count++] = field.value();
    }
  }
  Handle(req, worker_->MakeContext(stopping_), &reply_);
  DoWrite();
}

void Session::RespondError(int status) {
  // The target once Beast has parsed the request line (empty before): JSON
  // errors under /api/.
  RenderError(status, parser_->get().target(), worker_->MakeContext(true), &reply_);
  DoWrite();
}

void Session::DoWrite() {
  state_ = State::kWriting;
  worker_->ArmTimeout(this, Timeout::kWrite);
  const std::string_view payload = reply_.payload();
  const std::array<asio::const_buffer, 2> buffers = {asio::buffer(reply_.head),
                                                     asio::buffer(payload.data(), payload.size())};
  asio::async_write(stream_, buffers, beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
}

void Session::OnWrite(beast::error_code ec, size_t bytes) {
  const auto elapsed = std::chrono::steady_clock::now() - started_;
  worker_->metrics().Record(
      reply_.route, reply_.status,
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()));
  if (worker_->shared().options.access_log) AccessLog(bytes);
  if (ec) return DoClose();
  if (!reply_.keep_alive || stopping_) return DoLingeringClose();
  DoReadIdle();
}

void Session::DoClose() {
  state_ = State::kClosing;
  worker_->DisarmTimeout(this);
  beast::error_code ec;
  // The socket closes when the last handler lets go of the session.
  if (stream_.socket().is_open()) stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

void Session::DoLingeringClose() {
  state_ = State::kClosing;
  beast::error_code ec;
  if (!stream_.socket().is_open()) return;
  // Send FIN, then drain what the client still sends for a moment before
  // closing: closing with unread bytes would send a reset that can destroy
  // the response we just wrote before the client reads it.
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (ec) return;
  buffer_.clear();
  // While the server stops, linger only briefly: exiting matters more.
  worker_->ArmTimeout(this, stopping_ ? Timeout::kStopLinger : Timeout::kLinger);
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&Session::OnLinger, shared_from_this()));
}

void Session::OnLinger(beast::error_code ec, size_t /*bytes*/) {
  if (ec) return;  // eof, timeout or error: the session ends and the socket closes
  buffer_.clear();
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&Session::OnLinger, shared_from_this()));
}

void Session::AccessLog(size_t bytes) {
  std::string fields;
  fields.reserve(160);
  fields.append("method=");
  if (parser_ && parser_->is_header_done()) {
    AppendQuoted(&fields, parser_->get().method_string());
    fields.append(" target=");
    AppendQuoted(&fields, parser_->get().target());
  } else {
    fields.append("\"-\" target=\"-\"");
  }
  fields.append(" status=").append(std::to_string(reply_.status));
  fields.append(" route=").append(RouteName(reply_.route));
  fields.append(" bytes=").append(std::to_string(bytes));
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started_);
  fields.append(" us=").append(std::to_string(us.count()));
  LogEvent("info", "access", fields);
}

}  // namespace banner
