#include "protocol/host_port.hpp"

#include <charconv>

namespace mixmatrix::protocol {

std::optional<host_port> parse_host_port(std::string_view text) {
  host_port result;
  std::string_view host = text;
  const auto bracket = text.find(']');
  const auto colon = text.rfind(':');
  // A bare IPv6 address has several colons and no port; after brackets, a colon starts the port.
  const bool has_port = colon != std::string_view::npos &&
                        (bracket != std::string_view::npos ? colon > bracket : text.find(':') == colon);
  if (has_port) {
    const std::string_view digits = text.substr(colon + 1);
    unsigned port = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || port > 65535) {
      return std::nullopt;
    }
    result.port = static_cast<std::uint16_t>(port);
    host = text.substr(0, colon);
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) return std::nullopt;
  result.host = std::string(host);
  return result;
}

}  // namespace mixmatrix::protocol
