#include "clients/server_address.hpp"

#include "protocol/host_port.hpp"

namespace mixmatrix::clients {

std::optional<server_address> parse_server_address(const std::string& text, std::uint16_t default_port) {
  // A bare number is a port on this machine (no host name is all digits).
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
    return parse_server_address("127.0.0.1:" + text, default_port);
  }
  const auto parsed = protocol::parse_host_port(text);
  if (!parsed || parsed->port == 0) return std::nullopt;
  return server_address{parsed->host, parsed->port.value_or(default_port)};
}

}  // namespace mixmatrix::clients
