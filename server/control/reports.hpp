#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mixer/channel.hpp"
#include "mixer/engine_config.hpp"
#include "mixer/input_channel.hpp"
#include "mixer/matrix.hpp"
#include "server/control/audio_service.hpp"
#include "server/control/channel_directory.hpp"

namespace mixmatrix::server {

/// One channel's meters: peak and RMS in dBFS over the last 100 ms (left, right), clips since start.
struct channel_meters {
  std::string name;
  double peak_db[2];
  double rms_db[2];
  std::uint64_t clips;
};

/// Everything `list` and `show` say of one channel, gathered by the command core.
struct channel_report {
  std::shared_ptr<mixer::channel> channel;
  const mixer::mix_state* mix = nullptr;           ///< for a mix
  const mixer::mix_state* minus_of = nullptr;      ///< for a mix-minus: the mix it is taken from
  std::shared_ptr<mixer::input_channel> input;     ///< for an input
  std::optional<port_spec> port;                   ///< its raw port, as asked for
  std::string transport_words;                     ///< what serves it (port, RTP), for list or show
  std::optional<recording_status> recording;
  std::optional<playback_status> playback;
  std::optional<file_status> file;
};

/// The engine's side of `stats`.
struct engine_report {
  std::chrono::seconds uptime;
  std::uint64_t blocks;
  std::uint64_t late_ticks;
  std::uint32_t load_permille;
  std::string_view kernels;
  std::size_t channels;
  long open_descriptors;
  long descriptor_limit;
};

/// The meters of `ch` now (lock-free reads).
channel_meters read_meter(const mixer::channel& ch);
/// `NAME peak=L,R rms=L,R clips=N`, levels with one decimal or -inf.
std::string meter_text(const channel_meters& r);
/// The `list` line (not `detailed`) or the `show` lines of one channel.
std::vector<std::string> describe_channel(const channel_report& r, bool detailed, const mixer::engine_config& config);
/// The `stats` line of the server.
std::string engine_stats_line(const engine_report& r, const mixer::engine_config& config);
/// The `stats` line of one channel.
std::string channel_stats_line(const mixer::channel& ch);
/// `help` lines whose syntax starts with `topic` (every line for an empty topic).
std::vector<std::string> help_lines(std::string_view topic);
/// `graph`: the scene as Graphviz DOT lines (inputs and mixes as nodes, a route as an edge labelled
/// with its gain; muted routes dashed, mixes that are off grey).
std::vector<std::string> graph_lines(std::span<const channel_report> channels);
/// What `stop` says of what it ended.
std::vector<std::string> stopped_lines(const stopped_audio& s);
/// `QUERY MIX SOURCE`: `ON` or `OFF`; `QUERY MIX ALL` (no source): one word per route, in order.
std::string query_line(const mixer::mix_state& mix, const std::optional<std::string>& source);

}  // namespace mixmatrix::server
