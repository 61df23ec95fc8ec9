#include "server/net/accept_loop.hpp"

#include <chrono>

#include "server/net/endpoint.hpp"
#include "server/log.hpp"

namespace mixmatrix::server {

accept_loop::accept_loop(asio::io_context& io, const tcp::endpoint& endpoint, handler on_accept)
    : acceptor_(io), retry_(io), on_accept_(std::move(on_accept)) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
  endpoint_ = acceptor_.local_endpoint();
}

void accept_loop::start() { do_accept(); }

void accept_loop::stop() {
  error_code ignored;
  acceptor_.close(ignored);
  retry_.cancel();
}

void accept_loop::do_accept() {
  acceptor_.async_accept([self = shared_from_this()](const error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !self->acceptor_.is_open()) return;
    if (ec) {
      log(log_level::warn, "accept on " + to_string(self->endpoint_) + ": " + ec.message() + "; retrying");
      self->retry_.expires_after(std::chrono::milliseconds(100));
      self->retry_.async_wait([self](const error_code& wait_ec) {
        if (!wait_ec) self->do_accept();
      });
      return;
    }
    self->on_accept_(std::move(socket));
    self->do_accept();
  });
}

}  // namespace mixmatrix::server
