#pragma once

#include <memory>
#include <vector>

#include "server/net/accept_loop.hpp"
#include "server/control/command_core.hpp"
#include "server/net/control_session.hpp"
#include "server/server_options.hpp"

namespace mixmatrix::server {

/// The control port: accepts connections up to max_control_clients (the next one gets
/// `ERR 503` and is closed) and runs a control_session on each.
class control_server {
 public:
  /// Binds options.control; throws boost::system::system_error when it cannot.
  control_server(asio::io_context& io, command_core& core, event_bus& events, const server_options& options);

  /// Starts accepting.
  void start() { acceptor_->start(); }
  /// Closes the port and every control connection.
  void stop();
  /// The bound address.
  tcp::endpoint local_endpoint() const { return acceptor_->local_endpoint(); }

 private:
  void on_accept(tcp::socket socket);

  command_core& core_;
  event_bus& events_;
  const server_options& options_;
  std::vector<std::weak_ptr<control_session>> sessions_;
  std::shared_ptr<accept_loop> acceptor_;
};

}  // namespace mixmatrix::server
