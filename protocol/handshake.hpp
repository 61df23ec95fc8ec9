#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "protocol/failure.hpp"

namespace mixmatrix::protocol {

/// `SEND NAME [s16le RATE 2]`: the client will feed input NAME; rate 0 when not stated.
struct send_request {
  std::string name;
  std::uint32_t rate = 0;
};
/// `LISTEN NAME`: the client wants channel NAME.
struct listen_request {
  std::string name;
};

/// `AUTH PASSWORD`: the line before the handshake when the server has a password.
struct auth_request {
  std::string password;
};

/// A stream-port handshake line.
using handshake = std::variant<send_request, listen_request, auth_request>;

/// Parses the first line of a stream connection (keywords case-insensitive). A format other
/// than s16le stereo is `ERR 400 unsupported format`; anything else malformed is a 400 too.
result<handshake> parse_handshake(std::string_view line);

}  // namespace mixmatrix::protocol
