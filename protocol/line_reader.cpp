#include "protocol/line_reader.hpp"

namespace mixmatrix::protocol {
namespace {
constexpr unsigned char iac = 255;
constexpr unsigned char sb = 250;
constexpr unsigned char se = 240;
constexpr unsigned char will = 251;  // WILL, WONT, DO and DONT (251..254) take one option byte
}  // namespace

void line_reader::append(std::string_view bytes) {
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    switch (telnet_) {
      case telnet::data:
        if (b == iac) {
          telnet_ = telnet::iac;
        } else {
          take(c);
        }
        break;
      case telnet::iac:
        if (b == sb) {
          telnet_ = telnet::subnegotiation;
        } else if (b >= will && b != iac) {
          telnet_ = telnet::option;
        } else {
          telnet_ = telnet::data;  // a two-byte command (or IAC IAC, a literal 255 we have no use for)
        }
        break;
      case telnet::option:
        telnet_ = telnet::data;
        break;
      case telnet::subnegotiation:
        if (b == iac) telnet_ = telnet::subnegotiation_iac;
        break;
      case telnet::subnegotiation_iac:
        telnet_ = b == se ? telnet::data : telnet::subnegotiation;
        break;
    }
  }
}

void line_reader::take(char c) {
  if (c == '\n') {
    finish_line();
    return;
  }
  if (c == '\0' || discarding_) return;
  // One byte over the limit is held in case it is the CR of a CRLF; a second one settles it.
  if (current_.size() > max_length_) {
    ready_.push_back(line{{}, true});
    current_.clear();
    discarding_ = true;
    return;
  }
  current_.push_back(c);
}

void line_reader::finish_line() {
  if (discarding_) {
    discarding_ = false;
    return;
  }
  // Every trailing CR goes: telnet fed from a pipe turns CRLF into CR CR LF.
  while (!current_.empty() && current_.back() == '\r') current_.pop_back();
  if (current_.size() > max_length_) {
    ready_.push_back(line{{}, true});
  } else {
    ready_.push_back(line{std::move(current_), false});
  }
  current_.clear();
}

std::optional<line> line_reader::next() {
  if (ready_.empty()) return std::nullopt;
  line l = std::move(ready_.front());
  ready_.pop_front();
  return l;
}

}  // namespace mixmatrix::protocol
