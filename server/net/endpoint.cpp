#include "server/net/endpoint.hpp"

#include "protocol/host_port.hpp"

namespace mixmatrix::server {

std::optional<tcp::endpoint> parse_endpoint(std::string_view text) {
  const auto parsed = protocol::parse_host_port(text);
  if (!parsed || !parsed->port) return std::nullopt;
  const std::string host = parsed->host == "localhost" ? "127.0.0.1" : parsed->host;
  error_code bad;
  const auto address = asio::ip::make_address(host, bad);
  if (bad) return std::nullopt;
  return tcp::endpoint(address, *parsed->port);
}

std::string to_string(const tcp::endpoint& endpoint) {
  const auto address = endpoint.address();
  const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return host + ":" + std::to_string(endpoint.port());
}

std::string peer_name(const tcp::socket& socket) {
  error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  return ec ? "?" : to_string(endpoint);
}

}  // namespace mixmatrix::server
