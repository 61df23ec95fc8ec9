#include "server/net/raw_ports.hpp"

#include "server/control/port_words.hpp"

namespace mixmatrix::server {

raw_ports::raw_ports(asio::io_context& io, asio::ip::address address, audio_sessions& sessions)
    : io_(io), address_(std::move(address)), sessions_(sessions) {}

std::optional<protocol::failure> raw_ports::open(std::shared_ptr<mixer::channel> ch, const port_spec& spec) {
  const auto format = spec.format.value_or(sessions_.own_format());
  try {
    const std::string name = ch->name();
    auto port = std::make_unique<raw_port>(io_, tcp::endpoint(address_, spec.port), std::move(ch), format, sessions_);
    ports_[name] = {spec, std::move(port)};
  } catch (const boost::system::system_error& e) {
    return protocol::failure{protocol::code::conflict, "port " + std::to_string(spec.port) +
                                                           " unavailable: " + listen_failure(e.code())};
  }
  return std::nullopt;
}

std::optional<port_spec> raw_ports::port_of(const std::string& name) const {
  const auto it = ports_.find(name);
  if (it == ports_.end()) return std::nullopt;
  return port_spec{it->second.second->port(), it->second.first.format};
}

std::string raw_ports::line_words(const std::string& name, bool detailed) const {
  const auto spec = port_of(name);
  return spec ? port_line_words(*spec, detailed, sessions_.own_format()) : std::string{};
}

std::string raw_ports::scene_words(const std::string& name) const {
  const auto spec = port_of(name);
  return spec ? port_scene_words(*spec) : std::string{};
}

void raw_ports::on_channel_removed(const mixer::channel& ch) { ports_.erase(ch.name()); }

}  // namespace mixmatrix::server
