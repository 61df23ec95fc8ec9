#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace mixmatrix::protocol {

/// One line of the control protocol, without its terminator; `too_long` lines carry no text.
struct line {
  std::string text;
  bool too_long = false;
};

/// Incremental framing of a control connection: bytes in, lines out. Accepts LF and CRLF,
/// strips telnet negotiation (IAC ...) and NUL bytes, and reports a line over `max_length`
/// once, discarding it up to its end. Pure: no I/O; allocates for the lines it buffers.
class line_reader {
 public:
  /// A reader whose lines may hold up to `max_length` bytes.
  explicit line_reader(std::size_t max_length = 1024) : max_length_(max_length) {}

  /// Consumes bytes cut anywhere (mid-line, mid-telnet-sequence).
  void append(std::string_view bytes);
  /// The next complete line, if any.
  std::optional<line> next();

 private:
  enum class telnet { data, iac, option, subnegotiation, subnegotiation_iac };

  void take(char c);
  void finish_line();

  std::size_t max_length_;
  std::string current_;
  bool discarding_ = false;
  telnet telnet_ = telnet::data;
  std::deque<line> ready_;
};

}  // namespace mixmatrix::protocol
