#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "protocol/failure.hpp"

namespace mixmatrix::server {

/// What a control command produced, for a front end to format (telnet text, web JSON): nothing
/// here is parsed back to learn what happened.
struct command_result {
  std::optional<protocol::failure> error;  ///< absent: the command succeeded
  std::string status;                      ///< the text after `OK` ("pong", "queued", ...), may be empty
  std::vector<std::string> data;           ///< data lines, without line ends
  std::chrono::milliseconds delay{0};      ///< answer only after this long, reading nothing meanwhile
  bool close = false;                      ///< close the connection once the answer is out (quit)

  /// True when the command succeeded.
  bool ok() const { return !error; }
  /// A failed command.
  static command_result failed(protocol::failure why) { return {std::move(why), {}, {}, {}, false}; }
  /// A command that succeeded with `status` after its OK.
  static command_result done(std::string status = {}) { return {std::nullopt, std::move(status), {}, {}, false}; }
};

}  // namespace mixmatrix::server
