#include "server/control/reports.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "protocol/command_table.hpp"
#include "protocol/stream_format.hpp"
#include "protocol/values.hpp"
#include "protocol/words.hpp"

namespace mixmatrix::server {
namespace {

std::string yes_no(bool b) { return b ? "yes" : "no"; }

// A level in dBFS with one decimal, or -inf.
std::string level(double db) {
  if (std::isinf(db)) return "-inf";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", db);
  return text;
}

std::string fixed(double v, int decimals) {
  char text[48];
  std::snprintf(text, sizeof text, "%.*f", decimals, v);
  return text;
}

std::string number(double v) { return fixed(v, 2); }

std::string n(std::uint64_t v) { return std::to_string(v); }

void add_local_audio(const channel_report& r, std::vector<std::string>& lines) {
  if (r.recording) {
    lines.push_back("recording " + r.recording->path + " frames=" + n(r.recording->frames) +
                    " overruns=" + n(r.recording->overruns) + " failed=" + yes_no(r.recording->failed));
  }
  if (r.playback) {
    lines.push_back("playing " + r.playback->device + " frames=" + n(r.playback->frames) +
                    " skips=" + n(r.playback->skips) + " repeats=" + n(r.playback->repeats) +
                    " drift_ppm=" + fixed(r.playback->drift_ppm, 1));
  }
}

// `pan=POS` only for a panned crosspoint, so an unpanned mix reads as it always did.
std::string route_line(const mixer::crosspoint& x) {
  std::string line = "route " + x.source->name() + " gain=" + protocol::format_db(x.gain_db) + " muted=" + yes_no(x.muted);
  if (x.pan != 0.0) line += " pan=" + protocol::format_number(x.pan);
  return line;
}

std::string duck_line(const mixer::duck& d) {
  return "duck " + d.source->name() + " db=" + protocol::format_db(d.params.depth_db) +
         " threshold=" + protocol::format_db(d.params.threshold_dbfs) + " attack_ms=" + n(d.params.attack_ms) +
         " release_ms=" + n(d.params.release_ms);
}

std::vector<std::string> describe_mix(const channel_report& r, bool detailed, const std::string& port,
                                      const std::string& listeners) {
  const auto& mix = *r.mix;
  const auto& c = r.channel->counters();
  std::string head = "mix " + r.channel->name() + " state=" + (mix.on ? "on" : "off");
  std::size_t sources = mix.routes.size();
  if (mix.minus) {
    head += " of=" + mix.minus->mix->name() + " minus=" + mix.minus->source->name();
    // What it carries: its mix's crosspoints but the one it takes out.
    sources = r.minus_of ? r.minus_of->routes.size() - (r.minus_of->find(mix.minus->source->name()) ? 1 : 0) : 0;
  }
  if (!detailed) return {head + " sources=" + n(sources) + listeners + port};
  std::vector<std::string> lines{head + " gain=" + protocol::format_db(mix.master_db) + listeners + port +
                                 " frames=" + n(c.frames.load()) + " clips=" + n(c.clips.load()) +
                                 " drops=" + n(c.dropped_blocks.load())};
  for (const auto& x : mix.routes) lines.push_back(route_line(x));
  for (const auto& d : mix.ducks) lines.push_back(duck_line(d));
  add_local_audio(r, lines);
  return lines;
}

std::vector<std::string> describe_input(const channel_report& r, bool detailed, const std::string& port,
                                        const std::string& listeners, const mixer::engine_config& config) {
  const auto& input = *r.input;
  const auto& c = input.counters();
  const std::string& name = input.name();
  std::vector<std::string> lines;
  if (input.source() == mixer::input_kind::tone) {
    lines.push_back("input " + name + " state=tone hz=" + number(input.tone().hz()) +
                    " dbfs=" + number(input.tone().dbfs()) + listeners);
  } else if (r.file) {
    std::string line = "input " + name + " state=" + (r.file->ended && !input.playing() ? "ended" : "file") +
                       " path=" + protocol::quote_word(r.file->path) + " loop=" + yes_no(r.file->loop) +
                       " buffered_ms=" + n(input.buffered_ms());
    if (detailed) {
      line += " playing=" + yes_no(input.playing()) + " bytes=" + n(c.bytes_in.load()) + " frames=" + n(c.frames.load());
    }
    lines.push_back(line + listeners);
  } else {
    const std::string head = "input " + name + " state=" + (input.has_sender() ? "live" : "idle") + port;
    if (!detailed) return {head + " buffered_ms=" + n(input.buffered_ms()) + listeners};
    lines.push_back(
        head + " sender=" + (input.has_sender() ? input.sender_address() : "none") +
        " playing=" + yes_no(input.playing()) + " latency_ms=" + n(input.latency_ms()) +
        " target_ms=" + n(input.target_ms()) + " packet_ms=" + n(input.packet_ms()) +
        " jitter_ms=" + n(input.jitter_ms()) + " buffered_ms=" + n(input.buffered_ms()) +
        " underruns=" + n(c.underruns.load()) + " overruns=" + n(c.overruns.load()) + " skipped_ms=" +
        n(c.skipped_frames.load() * 1000 / config.rate) + " drift_ppm=" + fixed(input.drift_ppm(), 1) +
        " ratio=" + fixed(input.ratio(), 6) + " settled=" + yes_no(input.settled()) +
        (input.media_offset_ms() ? " playout=media offset_ms=" + n(*input.media_offset_ms()) : "") +
        " bytes=" + n(c.bytes_in.load()) + " frames=" + n(c.frames.load()) + listeners);
  }
  if (detailed) add_local_audio(r, lines);
  return lines;
}

}  // namespace

channel_meters read_meter(const mixer::channel& ch) {
  const auto m = ch.meter().read();  // mixer::meter_reading
  return {ch.name(), {m.peak_db[0], m.peak_db[1]}, {m.rms_db[0], m.rms_db[1]}, ch.counters().clips.load()};
}

std::string meter_text(const channel_meters& r) {
  return r.name + " peak=" + level(r.peak_db[0]) + "," + level(r.peak_db[1]) + " rms=" + level(r.rms_db[0]) + "," +
         level(r.rms_db[1]) + " clips=" + n(r.clips);
}

std::vector<std::string> describe_channel(const channel_report& r, bool detailed, const mixer::engine_config& config) {
  const std::string& port = r.transport_words;
  const std::string listeners = " listeners=" + n(r.channel->counters().listeners.load());
  if (r.mix) return describe_mix(r, detailed, port, listeners);
  return describe_input(r, detailed, port, listeners, config);
}

std::string engine_stats_line(const engine_report& r, const mixer::engine_config& config) {
  char load[32];
  std::snprintf(load, sizeof load, "%.1f", r.load_permille / 10.0);
  return "server uptime_s=" + n(static_cast<std::uint64_t>(r.uptime.count())) + " blocks=" + n(r.blocks) +
         " late_ticks=" + n(r.late_ticks) + " load_pct=" + load + " kernels=" + std::string(r.kernels) +
         " rate=" + n(config.rate) + " block=" + n(config.block_frames) + " channels=" + n(r.channels) +
         " fds=" + std::to_string(r.open_descriptors) + " max_fds=" + std::to_string(r.descriptor_limit);
}

std::string channel_stats_line(const mixer::channel& ch) {
  const auto& c = ch.counters();
  return "channel " + ch.name() + " kind=" + (ch.kind() == mixer::channel_kind::mix ? "mix" : "input") +
         " frames=" + n(c.frames.load()) + " bytes=" + n(c.bytes_in.load()) + " underruns=" + n(c.underruns.load()) +
         " overruns=" + n(c.overruns.load()) + " drops=" + n(c.dropped_blocks.load()) +
         " clips=" + n(c.clips.load()) + " listeners=" + n(c.listeners.load());
}

std::vector<std::string> help_lines(std::string_view topic) {
  std::vector<std::string> lines;
  for (const auto& entry : protocol::command_table()) {
    const std::string_view syntax = entry.syntax;
    const bool match = topic.empty() || (syntax.size() >= topic.size() &&
                                         protocol::equals_ignoring_case(syntax.substr(0, topic.size()), topic));
    if (match) lines.push_back(std::string(syntax) + "  -- " + std::string(entry.summary));
  }
  return lines;
}

std::vector<std::string> graph_lines(std::span<const channel_report> channels) {
  // Names are 1-64 of A-Z a-z 0-9 _ . -, so quoting them is enough for DOT.
  std::vector<std::string> lines{"digraph mixmatrix {", "  rankdir=LR;", "  node [fontname=\"Helvetica\"];"};
  for (const auto& r : channels) {
    const std::string& name = r.channel->name();
    if (r.mix) {
      lines.push_back("  \"" + name + "\" [shape=box" + (r.mix->on ? "" : ", color=grey, fontcolor=grey") + "];");
    } else {
      lines.push_back("  \"" + name + "\" [shape=ellipse];");
    }
  }
  for (const auto& r : channels) {
    if (!r.mix) continue;
    for (const auto& x : r.mix->routes) {
      lines.push_back("  \"" + x.source->name() + "\" -> \"" + r.channel->name() + "\" [label=\"" +
                      protocol::format_db(x.gain_db) + " dB\"" + (x.muted ? ", style=dashed" : "") + "];");
    }
  }
  lines.emplace_back("}");
  return lines;
}

std::vector<std::string> stopped_lines(const stopped_audio& s) {
  std::vector<std::string> lines;
  if (s.recording) {
    lines.push_back("recorded " + s.recording->path + ": " + n(s.recording->frames) + " frames, " +
                    n(s.recording->overruns) + " overruns");
  }
  if (s.playback) {
    lines.push_back("played " + s.playback->device + ": " + n(s.playback->frames) + " frames, " +
                    n(s.playback->skips) + " skips, " + n(s.playback->repeats) + " repeats");
  }
  return lines;
}

std::string query_line(const mixer::mix_state& mix, const std::optional<std::string>& source) {
  if (source) {
    const auto* x = mix.find(*source);
    return x && !x->muted ? "ON" : "OFF";
  }
  std::string words;
  for (const auto& x : mix.routes) words += (words.empty() ? "" : " ") + std::string(x.muted ? "OFF" : "ON");
  return words;
}

}  // namespace mixmatrix::server
