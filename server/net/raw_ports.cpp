#include "server/net/raw_ports.hpp"

namespace mixmatrix::server {

raw_ports::raw_ports(asio::io_context& io, asio::ip::address address, audio_sessions& sessions)
    : io_(io), address_(std::move(address)), sessions_(sessions) {}

std::optional<protocol::failure> raw_ports::open(std::shared_ptr<mixer::channel> ch, std::uint16_t port) {
  try {
    const std::string name = ch->name();
    ports_[name] = std::make_unique<raw_port>(io_, tcp::endpoint(address_, port), std::move(ch), sessions_);
  } catch (const boost::system::system_error& e) {
    return protocol::failure{protocol::code::conflict,
                             "port " + std::to_string(port) + " unavailable: " + e.code().message()};
  }
  return std::nullopt;
}

std::optional<std::uint16_t> raw_ports::port_of(const std::string& name) const {
  const auto it = ports_.find(name);
  if (it == ports_.end()) return std::nullopt;
  return it->second->port();
}

void raw_ports::on_channel_removed(const mixer::channel& ch) { ports_.erase(ch.name()); }

}  // namespace mixmatrix::server
