#pragma once

#include <memory>
#include <vector>

#include "server/net/accept_loop.hpp"
#include "server/net/http/web_context.hpp"

namespace mixmatrix::server {

class http_session;

/// The web port (`--http`): accepts connections up to max_http_clients (HTTP connections and
/// WebSockets together; the next one gets `503` and is closed) and runs an http_session on each.
class http_server {
 public:
  /// Binds `context.options.http`; throws boost::system::system_error when it cannot.
  http_server(asio::io_context& io, web_context context);

  /// Starts accepting.
  void start() { acceptor_->start(); }
  /// Closes the port, every HTTP connection and every WebSocket (WAV streams belong to the pump).
  void stop();
  /// The bound address.
  tcp::endpoint local_endpoint() const { return acceptor_->local_endpoint(); }

 private:
  void on_accept(tcp::socket socket);

  web_context context_;
  std::vector<std::weak_ptr<http_session>> sessions_;
  std::shared_ptr<accept_loop> acceptor_;
};

}  // namespace mixmatrix::server
