// Listener: accepts connections on one worker's io_context and gives each to
// Worker::Place(), which starts its Session on the least busy worker (Beast's
// async server example shape). Every worker has its own listener bound to the
// same address with SO_REUSEPORT, so no accept queue is shared.
//
// Over --max-connections (counted across all workers), a connection gets a
// canned 503 with Connection: close. Accept errors are logged and accepting
// continues (after a short pause when out of file descriptors).
//
// Owned by its worker (Worker::Listen), which runs and stops it.
// Thread-safety: all calls on the owning worker's thread.
#pragma once

#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>

#include "status.h"
#include "worker.h"

namespace banner {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Opens, binds (SO_REUSEADDR + SO_REUSEPORT) and listens. On failure
  // returns nullptr and sets *error.
  static std::shared_ptr<Listener> Create(Worker* worker, const boost::asio::ip::tcp::endpoint& endpoint,
                                          int backlog, Status* error);

  Listener(Worker* worker, boost::asio::ip::tcp::acceptor acceptor);

  boost::asio::ip::tcp::endpoint local_endpoint() const;
  void Run();
  void Stop();

 private:
  void DoAccept();
  void OnAccept(boost::beast::error_code ec, Socket socket);
  void Refuse(Socket socket);

  Worker* worker_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_;
  bool stopped_ = false;
};

}  // namespace banner
