#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "server/asio.hpp"

namespace mixmatrix::server {

/// Parses `ADDR:PORT` or `[IPV6]:PORT`; nullopt when malformed.
std::optional<tcp::endpoint> parse_endpoint(std::string_view text);
/// `ADDR:PORT` of an endpoint (`[ADDR]:PORT` for IPv6).
std::string to_string(const tcp::endpoint& endpoint);
/// The remote address of a socket as `ADDR:PORT`, or `?` once it is gone.
std::string peer_name(const tcp::socket& socket);

}  // namespace mixmatrix::server
