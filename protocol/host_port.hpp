#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mixmatrix::protocol {

/// An address as people type it, split but not resolved.
struct host_port {
  std::string host;                    ///< a name, an IPv4 address or an IPv6 address (without brackets)
  std::optional<std::uint16_t> port;   ///< absent when the text gave none; 0 is kept (callers decide)
};

/// Splits `HOST`, `HOST:PORT`, `[IPV6]:PORT`, `[IPV6]` or a bare IPv6 address (several colons, no
/// port); nullopt for an empty host or a port that is not a number up to 65535.
std::optional<host_port> parse_host_port(std::string_view text);

}  // namespace mixmatrix::protocol
