#pragma once

#include <functional>
#include <memory>

#include "server/asio.hpp"

namespace mixmatrix::server {

/// A listening socket that hands every accepted connection to a callback, keeps accepting
/// after transient errors (out of file descriptors: it retries after a pause) and stops on stop().
class accept_loop : public std::enable_shared_from_this<accept_loop> {
 public:
  /// Called on the network thread with each new connection.
  using handler = std::function<void(tcp::socket)>;

  /// Binds and listens on `endpoint`; throws boost::system::system_error when it cannot.
  accept_loop(asio::io_context& io, const tcp::endpoint& endpoint, handler on_accept);

  /// Starts accepting.
  void start();
  /// Closes the listening socket; idempotent.
  void stop();
  /// The bound address (the real port when 0 was asked for).
  tcp::endpoint local_endpoint() const { return endpoint_; }

 private:
  void do_accept();

  tcp::acceptor acceptor_;
  asio::steady_timer retry_;
  tcp::endpoint endpoint_;
  handler on_accept_;
};

}  // namespace mixmatrix::server
