#include "listener.h"

#include <sys/socket.h>

#include <string>

#include <boost/asio/socket_base.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "log.h"
#include "worker.h"

namespace banner {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

constexpr std::string_view kRefusal =
    "HTTP/1.1 503 Service Unavailable\r\nServer: bannerd\r\nContent-Type: text/plain\r\n"
    "Content-Length: 29\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
    "Server at connection limit.\r\n";

}  // namespace

std::shared_ptr<Listener> Listener::Create(Worker* worker, const tcp::endpoint& endpoint, int backlog,
                                           Status* error) {
  tcp::acceptor acceptor(worker->executor());
  beast::error_code ec;
  auto fail = [&](const char* what) {
    *error = Status::Error(std::string(what) + " " + endpoint.address().to_string() + ":" +
                           std::to_string(endpoint.port()) + ": " + ec.message());
    return nullptr;
  };
  acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("SO_REUSEADDR");
  acceptor.set_option(ReusePort(true), ec);
  if (ec) return fail("SO_REUSEPORT");
  acceptor.bind(endpoint, ec);
  if (ec) return fail("bind");
  acceptor.listen(backlog, ec);
  if (ec) return fail("listen");
  return std::make_shared<Listener>(worker, std::move(acceptor));
}

Listener::Listener(Worker* worker, tcp::acceptor acceptor)
    : worker_(worker), acceptor_(std::move(acceptor)), backoff_(worker->executor()) {}

tcp::endpoint Listener::local_endpoint() const {
  beast::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void Listener::Run() { DoAccept(); }

void Listener::Stop() {
  stopped_ = true;
  beast::error_code ec;
  acceptor_.close(ec);
  backoff_.cancel();
}

void Listener::DoAccept() {
  if (stopped_) return;
  acceptor_.async_accept(worker_->executor(),
                         beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
}

void Listener::OnAccept(beast::error_code ec, Socket socket) {
  if (stopped_) return;
  if (ec) {
    std::string fields = "error=";
    AppendQuoted(&fields, ec.message());
    LogEvent("warn", "accept_failed", fields);
    if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
        ec == asio::error::no_memory) {
      // Out of descriptors: accepting again at once would spin.
      backoff_.expires_after(std::chrono::milliseconds(50));
      backoff_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
        if (!wait_ec) self->DoAccept();
      });
      return;
    }
    return DoAccept();
  }
  MetricsRegistry& metrics = *worker_->shared().metrics;
  if (static_cast<size_t>(metrics.connections_open.load(std::memory_order_relaxed)) >=
      worker_->shared().options.max_connections) {
    Refuse(std::move(socket));
  } else {
    worker_->Place(std::move(socket));
  }
  DoAccept();
}

void Listener::Refuse(Socket socket) {
  worker_->shared().metrics->connections_refused.fetch_add(1, std::memory_order_relaxed);
  // A fresh socket's send buffer always has room for this; errors are ignored
  // on purpose: the connection is being turned away either way.
  beast::error_code ec;
  socket.non_blocking(true, ec);
  socket.write_some(asio::buffer(kRefusal.data(), kRefusal.size()), ec);
  socket.shutdown(tcp::socket::shutdown_send, ec);
  socket.close(ec);
}

}  // namespace banner
