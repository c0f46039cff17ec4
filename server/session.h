// Session: one HTTP/1.1 connection.
//
//   Start -> DoRead -> OnRead -> Serve -> DoWrite -> OnWrite -> Serve ...
//                                 `-> DoRead (no whole request buffered)
//
// Serve() answers every whole request in the read buffer, in order, and
// writes all their responses with one write: the pipelined requests of one
// read cost one write (at most kMaxBatch responses or about kBatchBytes per
// write; the rest waits in the buffer for the next Serve()). The socket is
// read only when no whole request is buffered.
//
// Timeouts (armed on the worker's TimeoutQueue, no timer of its own): idle
// while waiting for a request's first byte, read from that byte until the
// request is whole, write while a batch is written, linger while closing.
// At a deadline the worker calls OnTimeout(), which closes the socket: the
// pending operation ends with an error and the session with it.
//
// A request with a body and "Expect: 100-continue" is answered as soon as
// its header is read (no route takes a body), then the connection closes.
//
// Errors: 400 (malformed), 413 (body) or 431 (headers) answer the request
// and close; after any reply that closes the connection, DoLingeringClose()
// (shutdown(send), then OnLinger drains briefly) lets the client read the
// answer instead of a reset.
//
// Lifetime: shared_from_this; a session lives while an operation is pending.
// It registers with its worker (SessionStarted/SessionEnded), which calls
// Shutdown() when the server stops.
// Thread-safety: all calls on the owning worker's thread.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "arena.h"
#include "exchange.h"
#include "timeout_queue.h"
#include "worker.h"

namespace banner {

class Session : public std::enable_shared_from_this<Session>, public TimeoutQueue::Entry {
 public:
  // Lingering close: how long a closing connection drains what the client
  // still sends, normally and while the server stops.
  static constexpr std::chrono::milliseconds kLinger{2'000};
  static constexpr std::chrono::milliseconds kStopLinger{200};
  // Responses of one write at most, and the bytes after which a batch is
  // written without waiting for more.
  static constexpr size_t kMaxBatch = 16;
  static constexpr size_t kBatchBytes = 64 * 1024;

  Session(Socket&& socket, Worker* worker);
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
  // What the parser made of the buffered bytes: a whole request, not yet
  // one, or an error status to answer.
  enum class Parsed { kRequest, kNeedMore, kError };

  // One response of the batch: its bytes in out_ end at out_end, followed by
  // `external` (a body owned elsewhere) when that is not empty.
  struct Written {
    size_t out_end = 0;
    std::string_view external;
    size_t bytes = 0;  // head + payload
    size_t log_end = 0;  // end of its access-log fields in access_fields_
    Route route = Route::kNotFound;
    int status = 0;
  };

  void DoRead();
  void OnRead(boost::beast::error_code ec, size_t bytes);
  void Serve();
  Parsed Parse(int* error_status);
  void Respond();
  void RespondError(int status);
  void AddToBatch();
  void DoWrite();
  void OnWrite(boost::beast::error_code ec, size_t bytes);
  void DoClose();
  void DoLingeringClose();
  void OnLinger(boost::beast::error_code ec, size_t bytes);
  void ResetParser();
  void AccessLog(const Written& w, size_t log_begin, size_t bytes, int64_t us);

  Socket socket_;
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body, ArenaAllocator<char>>;

  boost::beast::flat_buffer buffer_;
  Arena arena_;  // the parser's header fields; declared before parser_ (outlives it)
  std::optional<Parser> parser_;
  Worker* worker_;
  Reply reply_;  // the response being rendered, copied into the batch
  std::string out_;  // the batch's bytes but external bodies
  std::array<Written, kMaxBatch> batch_;
  size_t batch_size_ = 0;
  std::array<boost::asio::const_buffer, 2 * kMaxBatch> write_buffers_;
  std::string access_fields_;  // with --access-log: each response's method and target
  State state_ = State::kIdle;
  bool stopping_ = false;
  bool close_after_write_ = false;
  bool read_armed_ = false;  // the read timeout of the buffered request is armed
  size_t header_bytes_ = 0;  // header bytes parsed so far for this request
  std::chrono::steady_clock::time_point started_;  // the batch's first request arrived
};

}  // namespace banner
