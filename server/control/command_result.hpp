#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/failure.hpp"
#include "server/control/save_ticket.hpp"

namespace mixmatrix::server {

/// What a control command produced, for a front end to format (telnet text, web JSON): nothing
/// here is parsed back to learn what happened.
struct command_result {
  std::optional<protocol::failure> error;  ///< absent: the command succeeded
  std::string status;                      ///< the text after `OK` ("pong", "queued", ...), may be empty
  std::vector<std::string> data;           ///< data lines, without line ends
  std::chrono::milliseconds delay{0};      ///< answer only after this long, reading nothing meanwhile
  bool close = false;                      ///< close the connection once the answer is out (quit)
  /// When set, the change is applied but its answer waits until the state file holds it; then
  /// with_save_outcome() gives the answer to send. Later commands may run meanwhile.
  std::shared_ptr<save_ticket> saved;

  /// True when the command succeeded.
  bool ok() const { return !error; }
  /// A failed command.
  static command_result failed(protocol::failure why) { return {std::move(why), {}, {}, {}, false, {}}; }
  /// A command that succeeded with `status` after its OK.
  static command_result done(std::string status = {}) { return {std::nullopt, std::move(status), {}, {}, false, {}}; }
  /// This answer once its write has ended: `OK not saved: REASON` when the write failed.
  command_result with_save_outcome(const std::optional<std::string>& write_error) const {
    command_result r{error, status, data, delay, close, {}};
    if (write_error && r.ok()) r.status = "not saved: " + *write_error;
    return r;
  }
};

}  // namespace mixmatrix::server
