#include "clients/server_address.hpp"

#include <charconv>

namespace mixmatrix::clients {

std::optional<server_address> parse_server_address(const std::string& text, std::uint16_t default_port) {
  server_address a{text, default_port};
  const auto bracket = text.find(']');
  const auto colon = text.rfind(':');
  const bool has_port = colon != std::string::npos && (bracket == std::string::npos || colon > bracket) &&
                        text.find(':') == colon;  // a bare IPv6 address has several colons
  if (has_port || (bracket != std::string::npos && colon > bracket)) {
    unsigned port = 0;
    const char* begin = text.data() + colon + 1;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(begin, end, port);
    if (ec != std::errc{} || ptr != end || port == 0 || port > 65535) return std::nullopt;
    a.port = static_cast<std::uint16_t>(port);
    a.host = text.substr(0, colon);
  }
  if (a.host.size() >= 2 && a.host.front() == '[' && a.host.back() == ']') a.host = a.host.substr(1, a.host.size() - 2);
  if (a.host.empty()) return std::nullopt;
  return a;
}

}  // namespace mixmatrix::clients
