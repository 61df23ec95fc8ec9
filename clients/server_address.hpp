#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace mixmatrix::clients {

/// Where a client connects: `--server PORT|HOST[:PORT]`.
struct server_address {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
};

/// Parses `PORT` (on 127.0.0.1), `HOST`, `HOST:PORT` or `[IPV6]:PORT`, with `default_port` when none
/// is given.
std::optional<server_address> parse_server_address(const std::string& text, std::uint16_t default_port);

}  // namespace mixmatrix::clients
