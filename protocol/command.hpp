#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "protocol/rtp.hpp"
#include "protocol/stream_format.hpp"

namespace mixmatrix::protocol {

/// The commands of the control protocol, as parsed and checked for syntax (not against a scene).
namespace cmd {

/// `help [COMMAND]`
struct help { std::string topic; };
/// `list`
struct list {};
/// `show NAME`
struct show { std::string name; };
/// `input add NAME [port PORT [format FORMAT RATE CHANNELS]] [latency MS]`: a network input; the
/// format is its raw port's (none: the server's own) and comes only with a port. With
/// `rtp ADDR:PORT ...` instead of a port, it receives RTP.
struct add_network_input {
  std::string name;
  std::optional<std::uint16_t> port;
  std::optional<std::uint32_t> latency_ms;
  std::optional<stream_format> format{};
  std::optional<rtp_source> rtp{};
  std::optional<std::uint32_t> playout_ms{};  ///< with rtp: played at its timestamps plus this
};
/// `input add NAME tone HZ [DBFS]`
struct add_tone_input {
  std::string name;
  double hz = 440.0;
  double dbfs = -12.0;
};
/// `input add NAME file PATH [loop]`: a server-side file player.
struct add_file_input {
  std::string name;
  std::string path;
  bool loop = false;
};
/// `input add NAME sdp PATH [latency MS]`: a network input receiving the RTP stream that an SDP
/// file describes (the server reads the file).
struct add_sdp_input {
  std::string name;
  std::string path;
  std::optional<std::uint32_t> latency_ms;
  std::optional<std::uint32_t> playout_ms{};  ///< played at its timestamps plus this
};
/// `input add NAME sap SESSION [latency MS]`: a network input fed by the SAP-announced session of
/// that name, whenever it is heard and wherever its announcements point.
struct add_sap_input {
  std::string name;
  std::string session;
  std::optional<std::uint32_t> latency_ms;
  std::optional<std::uint32_t> playout_ms{};  ///< played at its timestamps plus this
};
/// `input remove NAME`
struct remove_input { std::string name; };
/// MIX and SOURCE of `mix add NAME minus MIX SOURCE`.
struct minus_of {
  std::string mix;
  std::string source;
};
/// `mix add NAME [port PORT [format FORMAT RATE CHANNELS]] [rtp ADDR:PORT ...]`, or with
/// `minus MIX SOURCE` a mix-minus: MIX without SOURCE. The format is its raw port's (none: the
/// server's own) and comes only with a port; rtp sends it as RTP too.
struct add_mix {
  std::string name;
  std::optional<std::uint16_t> port;
  std::optional<minus_of> minus{};
  std::optional<stream_format> format{};
  std::optional<rtp_target> rtp{};
};
/// `mix remove NAME`
struct remove_mix { std::string name; };
/// `mix on NAME` / `mix off NAME`
struct switch_mix {
  std::string name;
  bool on = true;
};
/// `route MIX SOURCE [GAIN_DB]`
struct route {
  std::string mix;
  std::string source;
  double gain_db = 0.0;
};
/// `unroute MIX SOURCE`
struct unroute {
  std::string mix;
  std::string source;
};
/// `gain MIX SOURCE DB` (crosspoint) or `gain MIX DB` (master, no source).
struct gain {
  std::string mix;
  std::optional<std::string> source;
  double db = 0.0;
};
/// `mute MIX SOURCE` / `unmute MIX SOURCE`
struct mute {
  std::string mix;
  std::string source;
  bool muted = true;
};
/// `pan MIX SOURCE POS`: from -100 (left) to 100 (right).
struct pan {
  std::string mix;
  std::string source;
  double position = 0.0;
};
/// `duck MIX SOURCE [DB] [threshold DBFS] [attack MS] [release MS]`, with the contract's defaults.
struct duck {
  std::string mix;
  std::string source;
  double db = -15.0;
  double threshold_dbfs = -40.0;
  std::uint32_t attack_ms = 20;
  std::uint32_t release_ms = 500;
};
/// `unduck MIX SOURCE`
struct unduck {
  std::string mix;
  std::string source;
};
/// Kamaelia's `SWITCH MIX SOURCE|ALL ON|OFF|ONLY`; no source means ALL.
struct kamaelia_switch {
  enum class action { on, off, only };
  std::string mix;
  std::optional<std::string> source;
  action what = action::on;
};
/// Kamaelia's `QUERY MIX SOURCE|ALL`; no source means ALL.
struct kamaelia_query {
  std::string mix;
  std::optional<std::string> source;
};
/// `meters [NAME ...]`: every channel when no name is given.
struct meters {
  std::vector<std::string> names;
};
/// `record NAME PATH`: records a channel to a sound file.
struct record {
  std::string name;
  std::string path;
};
/// `play NAME [DEVICE]`: plays a channel on the server's sound device (empty: the default).
struct play {
  std::string name;
  std::string device;
};
/// `devices`: the server's sound output devices.
struct devices {};
/// `stop NAME`: stops the channel's recording and playback.
struct stop {
  std::string name;
};
/// `save [PATH]`: without a path, to the state file.
struct save {
  std::string path;
};
/// `load PATH`
struct load {
  std::string path;
};
/// `begin`: start a salvo on this connection.
struct begin_salvo {};
/// `commit`: apply the salvo's changes at one block boundary, all or none.
struct commit_salvo {};
/// `abort`: drop the salvo's changes.
struct abort_salvo {};
/// `watch [meters]`: events on this connection, with meter lines when asked.
struct watch {
  bool meters = false;
};
/// `unwatch`
struct unwatch {};
/// `stats`
struct stats {};
/// `graph`: the scene as Graphviz DOT.
struct graph {};
/// `sdp NAME`: the SDP description of mix NAME's RTP stream.
struct sdp { std::string name; };
/// `sources`: the sessions SAP has heard announced.
struct sources {};
/// `auth PASSWORD`
struct auth {
  std::string password;
};
/// `ping`
struct ping {};
/// `quit`
struct quit {};

}  // namespace cmd

/// Any parsed control command.
using command =
    std::variant<cmd::help, cmd::list, cmd::show, cmd::add_network_input, cmd::add_tone_input,
                 cmd::add_file_input, cmd::add_sdp_input, cmd::add_sap_input, cmd::remove_input, cmd::add_mix,
                 cmd::remove_mix, cmd::switch_mix, cmd::route, cmd::unroute, cmd::gain, cmd::mute, cmd::pan,
                 cmd::duck, cmd::unduck, cmd::kamaelia_switch, cmd::kamaelia_query, cmd::meters, cmd::record,
                 cmd::play, cmd::devices, cmd::stop, cmd::save, cmd::load, cmd::begin_salvo,
                 cmd::commit_salvo, cmd::abort_salvo, cmd::watch, cmd::unwatch, cmd::stats, cmd::graph,
                 cmd::sdp, cmd::sources, cmd::auth, cmd::ping, cmd::quit>;

}  // namespace mixmatrix::protocol
