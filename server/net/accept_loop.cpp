#include "server/net/accept_loop.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>

#include "server/net/descriptor_reserve.hpp"
#include "server/net/endpoint.hpp"
#include "server/log.hpp"

namespace mixmatrix::server {
namespace {
// One for the process, opened with the first port (not when it is needed: then none may be left).
descriptor_reserve& reserve() {
  static descriptor_reserve r;
  return r;
}
}  // namespace


accept_loop::accept_loop(asio::io_context& io, const tcp::endpoint& endpoint, handler on_accept)
    : acceptor_(io), retry_(io), on_accept_(std::move(on_accept)) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
  endpoint_ = acceptor_.local_endpoint();
  reserve();
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
    if (ec) return self->on_accept_error(ec);
    self->on_accept_(std::move(socket));
    self->do_accept();
  });
}

void accept_loop::on_accept_error(const error_code& ec) {
  static std::chrono::steady_clock::time_point last_logged;
  // By number, not by error_category: the accept failed in the kernel, so this is errno.
  const bool out_of_descriptors = ec.value() == EMFILE || ec.value() == ENFILE;
  const bool refused = out_of_descriptors && reserve().refuse_one(acceptor_.native_handle());
  // Once a second at most: a flood of refused connections must not become a flood of log lines.
  const auto now = std::chrono::steady_clock::now();
  if (now - last_logged >= std::chrono::seconds(1)) {
    last_logged = now;
    log(log_level::warn, "accept on " + to_string(endpoint_) + ": " + std::strerror(ec.value()) +
                             (refused ? "; connection refused" : "; retrying"));
  }
  if (refused) return do_accept();
  retry_.expires_after(std::chrono::milliseconds(100));
  retry_.async_wait([self = shared_from_this()](const error_code& wait_ec) {
    if (!wait_ec) self->do_accept();
  });
}

std::string listen_failure(const error_code& ec) {
  if (ec == asio::error::address_in_use) return "address in use";
  if (ec == asio::error::access_denied) return "permission denied (ports below 1024 need root)";
  if (ec == boost::system::errc::address_not_available) return "no such address on this machine";
  return ec.message();
}

std::shared_ptr<accept_loop> listen_for(asio::io_context& io, const tcp::endpoint& endpoint, const char* flag,
                                        accept_loop::handler on_accept) {
  try {
    return std::make_shared<accept_loop>(io, endpoint, std::move(on_accept));
  } catch (const boost::system::system_error& e) {
    throw listen_error("cannot listen on " + to_string(endpoint) + " (" + flag +
                       "): " + listen_failure(e.code()));
  }
}

}  // namespace mixmatrix::server
