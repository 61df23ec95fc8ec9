#include "protocol/command_table.hpp"

#include <array>

#include "protocol/values.hpp"

namespace mixmatrix::protocol {
namespace {

template <class T, std::size_t I = 0>
constexpr std::size_t kind_of() {
  if constexpr (std::is_same_v<T, std::variant_alternative_t<I, command>>) {
    return I;
  } else {
    return kind_of<T, I + 1>();
  }
}

constexpr command_traits query{};
constexpr command_traits change{.changes_scene = true};
constexpr command_traits crosspoint{.changes_scene = true, .in_salvo = true};
constexpr command_traits device{.uses_device = true};
constexpr command_traits open{.before_auth = true};

using namespace cmd;

constexpr std::array table{
    command_entry{"help [COMMAND]", "the command list, or one command's syntax", kind_of<help>(), open},
    command_entry{"list", "one line per channel (inputs and mixes)", kind_of<list>(), query},
    command_entry{"show NAME", "one channel in detail; for a mix, one line per crosspoint", kind_of<show>(),
                  query},
    command_entry{"input add NAME [port PORT [format FORMAT RATE CHANNELS]] [latency MS]",
                  "a network input, fed by SEND or on its own raw PCM port (default format s16le RATE 2)",
                  kind_of<add_network_input>(), change},
    command_entry{
        "input add NAME rtp ADDR:PORT [format L16|L24 RATE CHANNELS] [latency MS] [playout media OFFSET_MS]",
        "a network input receiving RTP on UDP ADDR:PORT (a group is joined; 0.0.0.0 for any); without "
        "format, payload type 10 or 11",
        kind_of<add_network_input>(), change},
    command_entry{"input add NAME tone HZ [DBFS]", "a sine generator input (default -12 dBFS)",
                  kind_of<add_tone_input>(), change},
    command_entry{"input add NAME file PATH [loop]",
                  "plays a sound file (any format libsndfile reads, 8 to 192 kHz: resampled) as an input",
                  kind_of<add_file_input>(), change},
    command_entry{
        "input add NAME sdp PATH [latency MS] [playout media OFFSET_MS]",
        "a network input receiving the RTP stream an SDP file describes (its first L16 or L24 audio)",
        kind_of<add_sdp_input>(), change},
    command_entry{"input add NAME sap SESSION [latency MS] [playout media OFFSET_MS]",
                  "a network input fed by the SAP-announced session SESSION (quoted if it has spaces), "
                  "whenever it is heard and wherever it moves; needs --sap",
                  kind_of<add_sap_input>(), change},
    command_entry{"input remove NAME", "removes an input and every route from it", kind_of<remove_input>(),
                  change},
    command_entry{
        "mix add NAME [port PORT [format FORMAT RATE CHANNELS]]",
        "a mix, on; with port, served raw to every connection on PORT (default format s16le RATE 2)",
        kind_of<add_mix>(), change},
    command_entry{"mix add NAME minus MIX SOURCE [port PORT [format FORMAT RATE CHANNELS]]",
                  "a mix-minus: MIX's sum without SOURCE's crosspoint (a caller's feed), with its own master",
                  kind_of<add_mix>(), change},
    command_entry{
        "mix add NAME rtp ADDR:PORT [format L16|L24] [ptime MS] [ttl N] [pt N]",
        "a mix, also sent as RTP to ADDR (unicast or multicast; default L16, PT 10 at 44.1 kHz stereo, "
        "else 96; ptime 5, or 1 for L24 at 48 kHz; ttl 1); may follow port or minus",
        kind_of<add_mix>(), change},
    command_entry{"mix remove NAME", "removes a mix, its routes, and disconnects its listeners",
                  kind_of<remove_mix>(), change},
    command_entry{"mix on NAME", "switches a mix on", kind_of<switch_mix>(), crosspoint},
    command_entry{"mix off NAME", "switches a mix off: its listeners get digital silence",
                  kind_of<switch_mix>(), crosspoint},
    command_entry{"route MIX SOURCE [GAIN_DB]",
                  "adds or updates a crosspoint (default 0 dB); SOURCE may be a mix", kind_of<route>(),
                  crosspoint},
    command_entry{"unroute MIX SOURCE", "removes a crosspoint", kind_of<unroute>(), crosspoint},
    command_entry{"gain MIX SOURCE DB", "sets a crosspoint gain (-inf allowed, at most +24)", kind_of<gain>(),
                  crosspoint},
    command_entry{"gain MIX DB", "sets the master gain of a mix", kind_of<gain>(), crosspoint},
    command_entry{"mute MIX SOURCE", "switches a crosspoint off, keeping its gain", kind_of<mute>(),
                  crosspoint},
    command_entry{"unmute MIX SOURCE", "switches a crosspoint on", kind_of<mute>(), crosspoint},
    command_entry{"pan MIX SOURCE POS", "pans a crosspoint, -100 (left) to 100 (right); 0 is unity on both",
                  kind_of<pan>(), crosspoint},
    command_entry{
        "duck MIX SOURCE [DB] [threshold DBFS] [attack MS] [release MS]",
        "while SOURCE is above the threshold (-40), MIX's other crosspoints fall by DB (-15) over attack "
        "(20 ms) and come back over release (500 ms)",
        kind_of<duck>(), crosspoint},
    command_entry{"unduck MIX SOURCE", "removes a duck (its envelope releases first)", kind_of<unduck>(),
                  crosspoint},
    command_entry{"SWITCH MIX SOURCE|ALL ON|OFF|ONLY", "Kamaelia: unmute, mute or solo crosspoints",
                  kind_of<kamaelia_switch>(), crosspoint},
    command_entry{"QUERY MIX SOURCE|ALL", "Kamaelia: ON or OFF per crosspoint, in route order",
                  kind_of<kamaelia_query>(), query},
    command_entry{"meters [NAME ...]",
                  "peak and RMS per channel in dBFS over the last 100 ms, and clips since start",
                  kind_of<meters>(), query},
    command_entry{"stats", "uptime, engine ticks, late ticks, load, and per-channel counters",
                  kind_of<stats>(), query},
    command_entry{"graph",
                  "the scene as Graphviz DOT: channels as nodes, routes as edges (dot -Tsvg draws it)",
                  kind_of<graph>(), query},
    command_entry{"sdp MIX",
                  "the SDP description of a mix's RTP stream, for ffmpeg, GStreamer or a SAP announcer",
                  kind_of<sdp>(), query},
    command_entry{
        "sources",
        "the RTP sessions SAP has heard: sap \"NAME\" ADDR:PORT FORMAT RATE CHANNELS from=HOST age_s=N",
        kind_of<sources>(), query},
    command_entry{
        "watch [meters]",
        "events as '* ' lines: changes by any client, inputs live or idle, listeners; meters 10 a second",
        kind_of<watch>(), query},
    command_entry{"unwatch", "stops events on this connection", kind_of<unwatch>(), query},
    command_entry{"record MIX PATH", "records a mix (or an input) to a sound file, format from the extension",
                  kind_of<record>(), query},
    command_entry{"play MIX [DEVICE]",
                  "plays a mix (or an input) on the server's sound device (default: the default device)",
                  kind_of<play>(), device},
    command_entry{"devices", "lists the server's sound output devices: INDEX NAME (API)", kind_of<devices>(),
                  device},
    command_entry{"stop MIX", "stops its recording (the file is complete and valid) and its playback",
                  kind_of<stop>(), device},
    command_entry{"save [PATH]",
                  "writes the scene as control commands, atomically (default: the --state file)",
                  kind_of<save>(), query},
    command_entry{"load PATH", "runs the control commands in PATH, stopping at the first that fails",
                  kind_of<load>(), change},
    command_entry{"begin",
                  "starts a salvo: route, unroute, gain, mute, pan, duck, mix on/off and SWITCH are checked "
                  "and queued",
                  kind_of<begin_salvo>(), query},
    command_entry{"commit", "applies the salvo at one block boundary, all or nothing",
                  kind_of<commit_salvo>(), query},
    command_entry{"abort", "drops the salvo", kind_of<abort_salvo>(), query},
    command_entry{"auth PASSWORD", "authenticates this connection when the server has a password",
                  kind_of<auth>(), open},
    command_entry{"ping", "replies OK pong", kind_of<ping>(), query},
    command_entry{"quit", "replies OK bye and closes the connection", kind_of<quit>(), open},
    command_entry{
        "stream: SEND NAME [FORMAT RATE CHANNELS]",
        "on the stream port: feed input NAME with raw PCM; FORMAT s16le, s24le, s32le or f32le, 1 or 2 "
        "CHANNELS",
        no_command, query},
    command_entry{
        "stream: LISTEN NAME [FORMAT RATE CHANNELS]",
        "on the stream port: receive channel NAME as raw PCM; the reply OK FORMAT RATE CHANNELS says how",
        no_command, query},
    command_entry{"stream: AUTH PASSWORD",
                  "on the stream port, the first line when the server has a password", no_command, query},
};

// traits_of() by variant index; every command must have a line, and all its lines the same traits.
constexpr std::array<const command_traits*, no_command> by_kind = [] {
  std::array<const command_traits*, no_command> found{};
  for (const auto& entry : table) {
    if (entry.kind == no_command) continue;
    const command_traits*& slot = found[entry.kind];
    if (slot && (slot->changes_scene != entry.traits.changes_scene || slot->in_salvo != entry.traits.in_salvo ||
                 slot->uses_device != entry.traits.uses_device || slot->before_auth != entry.traits.before_auth)) {
      throw "one command's lines disagree on its traits";
    }
    slot = &entry.traits;
  }
  for (const auto* slot : found) {
    if (!slot) throw "a command has no line in the table";
  }
  return found;
}();

}  // namespace

std::span<const command_entry> command_table() { return table; }

const command_traits& traits_of(const command& c) { return *by_kind[c.index()]; }

std::vector<std::size_t> path_words(std::span<const std::string> words) {
  std::vector<std::size_t> paths;
  for (const command_entry& entry : command_table()) {
    // The syntax's words up to PATH: lower case ones must be typed as they are, upper case ones are
    // values; an optional PATH ([PATH]) counts only when it was given.
    std::size_t at = 0;
    bool matches = true;
    for (std::string_view rest = entry.syntax; matches && !rest.empty() && at <= words.size();) {
      const auto space = rest.find(' ');
      std::string_view token = rest.substr(0, space);
      rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
      const bool optional = token.starts_with('[');
      if (optional) token = token.substr(1, token.find(']') - 1);
      if (token == "PATH") {
        if (at < words.size()) paths.push_back(at);
        break;
      }
      if (at == words.size() || optional) {
        matches = false;
      } else if (token.find_first_of("abcdefghijklmnopqrstuvwxyz") != std::string_view::npos) {
        matches = equals_ignoring_case(words[at], token);
      }
      ++at;
    }
    if (!paths.empty()) break;
  }
  return paths;
}

}  // namespace mixmatrix::protocol
