#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "protocol/failure.hpp"
#include "protocol/stream_format.hpp"

namespace mixmatrix::protocol {

/// `SEND NAME [FORMAT RATE CHANNELS]`: the client will feed input NAME in `format` (none stated:
/// the server's own).
struct send_request {
  std::string name;
  std::optional<stream_format> format;
};
/// `LISTEN NAME [FORMAT RATE CHANNELS]`: the client wants channel NAME in `format` (none stated:
/// the server's own).
struct listen_request {
  std::string name;
  std::optional<stream_format> format;
};

/// `AUTH PASSWORD`: the line before the handshake when the server has a password.
struct auth_request {
  std::string password;
};

/// A stream-port handshake line.
using handshake = std::variant<send_request, listen_request, auth_request>;

/// Parses the first line of a stream connection (keywords and FORMAT case-insensitive). A format
/// parse_stream_format refuses is a 400 naming what is unsupported; anything else malformed is a
/// 400 too. Whether the server serves a valid format (its rate) is the server's business.
result<handshake> parse_handshake(std::string_view line);

}  // namespace mixmatrix::protocol
