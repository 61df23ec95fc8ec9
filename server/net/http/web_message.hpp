#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "protocol/failure.hpp"

namespace mixmatrix::server {

/// `{"id":N,"cmd":"LINE"}`: a control command from the page.
struct web_command {
  long long id;
  std::string line;
};
/// `{"monitor":"NAME"}` or `{"monitor":null}` (empty name: stop).
struct web_monitor_request {
  std::string name;
};
/// A message from the page's WebSocket.
using web_message = std::variant<web_command, web_monitor_request>;

/// Parses one text message from the page; a 400 failure saying what was expected otherwise. Pure.
protocol::result<web_message> parse_web_message(std::string_view text);

}  // namespace mixmatrix::server
