#include "server/control/port_words.hpp"

#include <algorithm>

namespace mixmatrix::server {

std::string port_line_words(const port_spec& spec, bool detailed, const protocol::stream_format& own) {
  const std::string words = " port=" + std::to_string(spec.port);
  if (!detailed) return words;
  std::string format = protocol::format_stream_format(spec.format.value_or(own));
  std::replace(format.begin(), format.end(), ' ', ',');
  return words + " format=" + format;
}

std::string port_scene_words(const port_spec& spec) {
  // A port's format is written as it was given: a port without one follows --rate.
  const std::string port = " port " + std::to_string(spec.port);
  return spec.format ? port + " format " + protocol::format_stream_format(*spec.format) : port;
}

}  // namespace mixmatrix::server
