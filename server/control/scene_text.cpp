#include "server/control/scene_text.hpp"

#include <charconv>
#include <cstdio>
#include <set>
#include <vector>

#include "protocol/stream_format.hpp"
#include "protocol/values.hpp"
#include "protocol/words.hpp"

namespace mixmatrix::server {

std::string scene_text(const mixer::matrix& matrix, std::span<channel_service* const> transports,
                       const audio_service& audio, std::uint32_t default_latency_ms) {
  using protocol::format_db;
  std::string text = "# mixmatrix scene, written by mixmatrixd " MIXMATRIX_VERSION "\n";
  const auto served = [&](const std::string& name) {
    std::string words;
    for (const channel_service* t : transports) words += t->scene_words(name);
    return words;
  };
  const auto names = matrix.names();
  std::set<std::string> written;
  std::vector<std::string> minuses;
  for (const std::string& name : names) {
    if (const mixer::mix_state* mix = matrix.find_mix(name)) {
      if (mix->minus) {
        minuses.push_back(name);
        continue;
      }
      text += "mix add " + name + served(name) + "\n";
      written.insert(name);
      continue;
    }
    written.insert(name);
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
      text += "input add " + name + served(name);
      if (input->latency_ms() != default_latency_ms) text += " latency " + std::to_string(input->latency_ms());
      if (const auto offset = input->media_offset_ms()) text += " playout media " + std::to_string(*offset);
      text += "\n";
    }
  }
  // A mix-minus after its mix and its source, which may be another mix-minus.
  for (std::size_t left = 0; !minuses.empty() && left != minuses.size();) {
    left = minuses.size();
    std::erase_if(minuses, [&](const std::string& name) {
      const auto& minus = *matrix.find_mix(name)->minus;
      if (!written.contains(minus.mix->name()) || !written.contains(minus.source->name())) return false;
      text += "mix add " + name + " minus " + minus.mix->name() + " " + minus.source->name() + served(name) +
              "\n";
      written.insert(name);
      return true;
    });
  }
  for (const std::string& name : names) {
    const mixer::mix_state* mix = matrix.find_mix(name);
    if (!mix) continue;
    for (const auto& x : mix->routes) {
      text += "route " + name + " " + x.source->name() + " " + format_db(x.gain_db) + "\n";
      if (x.muted) text += "mute " + name + " " + x.source->name() + "\n";
      if (x.pan != 0.0) text += "pan " + name + " " + x.source->name() + " " + protocol::format_number(x.pan) + "\n";
    }
    for (const auto& d : mix->ducks) {
      text += "duck " + name + " " + d.source->name() + " " + format_db(d.params.depth_db) + " threshold " +
              format_db(d.params.threshold_dbfs) + " attack " + std::to_string(d.params.attack_ms) + " release " +
              std::to_string(d.params.release_ms) + "\n";
    }
    if (mix->master_db != 0.0) text += "gain " + name + " " + format_db(mix->master_db) + "\n";
    if (!mix->on) text += "mix off " + name + "\n";
  }
  return text;
}

}  // namespace mixmatrix::server
