// Fuzz target: protocol::parse_host_port, the HOST[:PORT] of --control, --stream and the clients'
// --server. Checks, beyond sanitizers: a result has a host; a port is the digits after the last
// colon, up to 65535; text without a colon has no port and is its own host (brackets aside); and
// for a host without brackets, writing it back as HOST:PORT ([HOST]:PORT when it has colons)
// parses to the same host and port.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "protocol/host_port.hpp"

namespace {

using namespace mixmatrix;
using fuzz::check;

std::string written(const protocol::host_port& hp) {
  const bool v6 = hp.host.find(':') != std::string::npos;
  std::string text = v6 ? "[" + hp.host + "]" : hp.host;
  if (hp.port) text += ":" + std::to_string(*hp.port);
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const auto parsed = protocol::parse_host_port(text);
  if (!parsed) return 0;
  const protocol::host_port& hp = *parsed;
  check(!hp.host.empty(), "an address with an empty host", text);
  check(hp.host.size() <= text.size(), "a host longer than the text", text);
  check(text.find(hp.host) != std::string_view::npos, "a host that is not part of the text", text);

  if (text.find(':') == std::string_view::npos) {
    check(!hp.port, "a port without a colon", text);
    const bool bracketed = text.size() >= 2 && text.front() == '[' && text.back() == ']';
    check(hp.host == (bracketed ? text.substr(1, text.size() - 2) : text), "text without a colon is not its host", text);
  }
  if (hp.port) {
    const std::string_view digits = text.substr(text.rfind(':') + 1);
    check(!digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos,
          "a port from other than digits after the last colon", text);
    std::size_t value = 0;
    for (const char c : digits) value = value > 65535 ? value : value * 10 + static_cast<std::size_t>(c - '0');
    check(value == *hp.port, "a port other than its digits", text);
  }

  if (hp.host.find_first_of("[]") == std::string::npos) {
    const std::string again_text = written(hp);
    const auto again = protocol::parse_host_port(again_text);
    check(again.has_value(), "an address written back does not parse", again_text);
    check(again->host == hp.host && again->port == hp.port, "an address written back parses otherwise", again_text);
  }
  return 0;
}
