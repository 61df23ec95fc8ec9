#include "server/control/scene_text.hpp"

#include <charconv>

#include "protocol/values.hpp"
#include "protocol/words.hpp"

namespace mixmatrix::server {

std::string scene_text(const mixer::matrix& matrix, const channel_ports& ports, const audio_service& audio,
                       std::uint32_t default_latency_ms) {
  using protocol::format_db;
  std::string text = "# mixmatrix scene, written by mixmatrixd " MIXMATRIX_VERSION "\n";
  const auto port_of = [&](const std::string& name) {
    const auto port = ports.port_of(name);
    return port ? " port " + std::to_string(*port) : std::string{};
  };
  const auto names = matrix.names();
  for (const std::string& name : names) {
    if (matrix.find_mix(name)) {
      text += "mix add " + name + port_of(name) + "\n";
      continue;
    }
    const auto input = matrix.find_input(name);
    if (const auto file = audio.file(name)) {
      text += "input add " + name + " file " + protocol::quote_word(file->path) + (file->loop ? " loop" : "") + "\n";
    } else if (input->source() == mixer::input_kind::tone) {
      // The shortest text that reads back as the same double: a rounded HZ could reach half the rate.
      const auto exact = [](double v) {
        char digits[32];
        return std::string(digits, std::to_chars(digits, digits + sizeof digits, v).ptr);
      };
      text += "input add " + name + " tone " + exact(input->tone().hz()) + " " + exact(input->tone().dbfs()) + "\n";
    } else {
      text += "input add " + name + port_of(name);
      if (input->latency_ms() != default_latency_ms) text += " latency " + std::to_string(input->latency_ms());
      text += "\n";
    }
  }
  for (const std::string& name : names) {
    const mixer::mix_state* mix = matrix.find_mix(name);
    if (!mix) continue;
    for (const auto& x : mix->routes) {
      text += "route " + name + " " + x.source->name() + " " + format_db(x.gain_db) + "\n";
      if (x.muted) text += "mute " + name + " " + x.source->name() + "\n";
    }
    if (mix->master_db != 0.0) text += "gain " + name + " " + format_db(mix->master_db) + "\n";
    if (!mix->on) text += "mix off " + name + "\n";
  }
  return text;
}

}  // namespace mixmatrix::server
