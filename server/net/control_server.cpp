#include "server/net/control_server.hpp"

#include "protocol/reply.hpp"
#include "server/net/endpoint.hpp"
#include "server/log.hpp"

namespace mixmatrix::server {

control_server::control_server(asio::io_context& io, command_core& core, event_bus& events,
                               const server_options& options)
    : core_(core),
      events_(events),
      options_(options),
      acceptor_(
          listen_for(io, options.control, "--control", [this](tcp::socket s) { on_accept(std::move(s)); })) {}

void control_server::stop() {
  acceptor_->stop();
  for (auto& weak : sessions_) {
    if (auto s = weak.lock()) s->stop();
  }
  sessions_.clear();
}

void control_server::on_accept(tcp::socket socket) {
  std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
  if (sessions_.size() >= options_.max_control_clients) {
    log(log_level::warn, "control client " + peer_name(socket) + " refused: " +
                             std::to_string(options_.max_control_clients) + " clients connected");
    // A short blocking write to a fresh socket: the kernel buffer takes it at once.
    const std::string refusal = protocol::err_line({protocol::code::unavailable, "too many control clients"});
    error_code ignored;
    asio::write(socket, asio::buffer(refusal), ignored);
    socket.close(ignored);
    return;
  }
  auto session = std::make_shared<control_session>(std::move(socket), core_, events_, options_);
  sessions_.push_back(session);
  session->start();
}

}  // namespace mixmatrix::server
