#include "server/net/telnet_text.hpp"

#include "protocol/reply.hpp"

namespace mixmatrix::server {

std::string telnet_text(const command_result& r) {
  std::string text;
  for (const auto& line : r.data) text += line + "\n";
  return text + (r.ok() ? protocol::ok_line(r.status) : protocol::err_line(*r.error));
}

std::string telnet_meter_events(std::span<const channel_meters> readings) {
  std::string text;
  for (const auto& r : readings) text += protocol::event_line("meter " + meter_text(r));
  return text;
}

}  // namespace mixmatrix::server
