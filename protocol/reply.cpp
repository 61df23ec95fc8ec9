#include "protocol/reply.hpp"

namespace mixmatrix::protocol {

std::string ok_line(std::string_view text) {
  std::string line = "OK";
  if (!text.empty()) line.append(" ").append(text);
  line.push_back('\n');
  return line;
}

std::string err_line(const failure& f) {
  return "ERR " + std::to_string(static_cast<int>(f.code)) + " " + f.text + "\n";
}

std::string greeting_line(std::string_view version) {
  return event_line("mixmatrix " + std::string(version) + " ready (type help)");
}

std::string event_line(std::string_view text) { return "* " + std::string(text) + "\n"; }

}  // namespace mixmatrix::protocol
