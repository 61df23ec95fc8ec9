#include "server/net/http/web_message.hpp"

#include <nlohmann/json.hpp>

namespace mixmatrix::server {

protocol::result<web_message> parse_web_message(std::string_view text) {
  using json = nlohmann::json;
  const protocol::failure expected{protocol::code::bad_request,
                                   "expected a JSON object: {\"id\": N, \"cmd\": \"LINE\"} or {\"monitor\": \"NAME\"}"};
  const json message = json::parse(text, nullptr, false);
  if (!message.is_object()) return expected;
  if (const auto monitor = message.find("monitor"); monitor != message.end()) {
    if (monitor->is_null()) return web_message{web_monitor_request{}};
    if (!monitor->is_string()) return expected;
    return web_message{web_monitor_request{monitor->get<std::string>()}};
  }
  const auto id = message.find("id");
  const auto cmd = message.find("cmd");
  if (id == message.end() || !id->is_number_integer() || cmd == message.end() || !cmd->is_string()) return expected;
  return web_message{web_command{id->get<long long>(), cmd->get<std::string>()}};
}

}  // namespace mixmatrix::server
