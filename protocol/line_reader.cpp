#include "protocol/line_reader.hpp"

namespace mixmatrix::protocol {
namespace {
constexpr unsigned char iac = 255;
constexpr unsigned char sb = 250;
constexpr unsigned char se = 240;
constexpr unsigned char will = 251;  // WILL, WONT, DO and DONT (251..254) take one option byte
}  // namespace

void line_reader::append(std::string_view bytes) {
  pending_.erase(0, at_);
  at_ = 0;
  pending_.append(bytes);
}

std::optional<line> line_reader::next() {
  line out;
  while (at_ < pending_.size()) {
    const char c = pending_[at_++];
    const auto b = static_cast<unsigned char>(c);
    switch (telnet_) {
      case telnet::data:
        if (b == iac) {
          telnet_ = telnet::iac;
        } else if (take(c, out)) {
          return out;
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
  return std::nullopt;
}

std::string line_reader::take_rest() {
  std::string rest = pending_.substr(at_);
  pending_.clear();
  at_ = 0;
  return rest;
}

bool line_reader::take(char c, line& out) {
  if (c == '\n') return finish_line(out);
  if (c == '\0' || discarding_) return false;
  // CRs are counted, not held: an LF after them drops them all (telnet from a pipe sends CR CR LF);
  // anything else makes them part of the line.
  if (c == '\r') {
    ++crs_;
    return false;
  }
  if (current_.size() + crs_ + 1 > max_length_) {
    out = line{{}, true};
    current_.clear();
    crs_ = 0;
    discarding_ = true;
    return true;
  }
  current_.append(crs_, '\r');
  crs_ = 0;
  current_.push_back(c);
  return false;
}

bool line_reader::finish_line(line& out) {
  crs_ = 0;
  if (discarding_) {
    discarding_ = false;
    return false;
  }
  out = line{std::move(current_), false};
  current_.clear();
  return true;
}

}  // namespace mixmatrix::protocol
