// Session: one HTTP/1.1 connection (Beast's async server example shape).
//
//   DoReadIdle -> OnReadIdle -> DoRead -> DoReadSome -> OnReadSome (-> DoReadSome
//   until the request is whole) -> Respond -> DoWrite -> OnWrite -> DoReadIdle ...
//
// Keep-alive waits for the next request's first bytes under the idle timeout,
// then the request must arrive whole within the read timeout. The deadlines
// live on the worker's TimeoutQueue (no timer per connection); at a deadline
// the worker calls OnTimeout(), which closes the socket, so that the pending
// operation ends with an error and the session with it. Pipelining: the
// parser leaves the bytes of the next request in the flat_buffer, which the
// next read parses before touching the socket. One request is handled at a
// time, so the "queue" of pipelined requests is the buffer itself, bounded by
// its size cap. A request with a body and "Expect: 100-continue" is answered
// as soon as its header is read (no route takes a body), then the connection
// closes. Errors: RespondError() answers 400 (malformed), 413 (body) or
// 431 (headers); after a reply that closes the connection, DoLingeringClose()
// (shutdown(send), then OnLinger drains briefly) lets the client read the
// answer instead of a reset.
//
// Lifetime: shared_from_this; a session lives while an operation is pending.
// It registers with its worker (SessionStarted/SessionEnded), which calls
// Shutdown() when the server stops.
// Thread-safety: all calls on the owning worker's thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "arena.h"
#include "exchange.h"
#include "timeout_queue.h"

namespace banner {

class Worker;

class Session : public std::enable_shared_from_this<Session>, public TimeoutQueue::Entry {
 public:
  // Lingering close: how long a closing connection drains what the client
  // still sends, normally and while the server stops.
  static constexpr std::chrono::milliseconds kLinger{2'000};
  static constexpr std::chrono::milliseconds kStopLinger{200};

  Session(boost::asio::ip::tcp::socket&& socket, Worker* worker);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void Start();
  // Graceful stop: an idle connection is closed now; a request being read
  // or written is finished (with Connection: close) first.
  void Shutdown();
  // The deadline armed last has passed (called by the worker's ticker).
  void OnTimeout();

 private:
  enum class State { kIdle, kReading, kWriting, kClosing };

  void DoReadIdle();
  void OnReadIdle(boost::beast::error_code ec, size_t bytes);
  void DoRead();
  void DoReadSome();
  void OnReadSome(boost::beast::error_code ec, size_t bytes);
  void Respond();
  void RespondError(int status);
  void DoWrite();
  void OnWrite(boost::beast::error_code ec, size_t bytes);
  void DoClose();
  void DoLingeringClose();
  void OnLinger(boost::beast::error_code ec, size_t bytes);
  void AccessLog(size_t bytes);

  boost::beast::tcp_stream stream_;
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body, ArenaAllocator<char>>;

  boost::beast::flat_buffer buffer_;
  Arena arena_;  // the parser's header fields; declared before parser_ (outlives it)
  std::optional<Parser> parser_;
  Worker* worker_;
  Reply reply_;
  State state_ = State::kIdle;
  bool stopping_ = false;
  size_t header_bytes_ = 0;  // header bytes parsed so far for this request
  std::chrono::steady_clock::time_point started_;
};

}  // namespace banner
