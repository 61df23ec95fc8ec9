#pragma once

#include <functional>
#include <memory>
#include <stdexcept>

#include "server/asio.hpp"

namespace mixmatrix::server {

/// A listening socket that hands every accepted connection to a callback and stops on stop().
/// Out of file descriptors, it refuses waiting connections (accepts and closes them with a
/// reserved descriptor) so connected clients carry on and new ones are not left hanging; other
/// errors are retried after a pause. It logs such trouble once a second at most.
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
  void on_accept_error(const error_code& ec);

  tcp::acceptor acceptor_;
  asio::steady_timer retry_;
  tcp::endpoint endpoint_;
  handler on_accept_;
};

/// A port the server could not open at start, with the address and the flag that set it.
class listen_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An accept_loop on `endpoint`, the address of `flag` (e.g. "--control"); throws listen_error
/// saying both and why (`cannot listen on 127.0.0.1:7700 (--control): address in use`).
std::shared_ptr<accept_loop> listen_for(asio::io_context& io, const tcp::endpoint& endpoint, const char* flag,
                                        accept_loop::handler on_accept);

/// Words a person reads for why a port could not be opened: "address in use", ...
std::string listen_failure(const error_code& ec);

}  // namespace mixmatrix::server
