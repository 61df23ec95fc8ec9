#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mixmatrix::protocol {

/// One line of the control protocol, without its terminator; `too_long` lines carry no text.
struct line {
  std::string text;
  bool too_long = false;
};

/// Incremental framing of text lines (control connections, stream handshakes, scene files): bytes
/// in, lines out. Accepts LF and CRLF, strips telnet negotiation (IAC ...) and NUL bytes, and
/// reports a line over `max_length` once, discarding it up to its end. Bytes are framed only as
/// lines are asked for, so what follows a line (PCM after a handshake) can be taken back raw.
/// Pure: no I/O; allocates for the bytes it buffers.
class line_reader {
 public:
  /// A reader whose lines may hold up to `max_length` bytes.
  explicit line_reader(std::size_t max_length = 1024) : max_length_(max_length) {}

  /// Takes bytes cut anywhere (mid-line, mid-telnet-sequence).
  void append(std::string_view bytes);
  /// The next complete line, if any.
  std::optional<line> next();
  /// The bytes not yet framed into a line, unaltered; the reader forgets them.
  std::string take_rest();
  /// Bytes held in memory: the part of a line not yet complete and whatever was not framed yet
  /// (a run of CRs is only counted, so it holds nothing however long it is).
  std::size_t buffered() const { return current_.size() + pending_.size() - at_; }

 private:
  enum class telnet { data, iac, option, subnegotiation, subnegotiation_iac };

  // Frames one byte; true when it completed a line (or reported one too long) into `out`.
  bool take(char c, line& out);
  bool finish_line(line& out);

  std::size_t max_length_;
  std::string current_;
  std::size_t crs_ = 0;  // CRs after current_, not yet known to end the line or to belong to it
  bool discarding_ = false;
  telnet telnet_ = telnet::data;
  std::string pending_;  // appended, not yet framed from `at_` on
  std::size_t at_ = 0;
};

}  // namespace mixmatrix::protocol
