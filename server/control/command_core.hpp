#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "mixer/engine.hpp"
#include "mixer/matrix.hpp"
#include "protocol/command.hpp"
#include "server/control/audio_service.hpp"
#include "server/control/channel_directory.hpp"
#include "server/control/client.hpp"
#include "server/control/command_result.hpp"
#include "server/control/event_bus.hpp"
#include "server/control/scene_store.hpp"
#include "server/engine_thread.hpp"
#include "server/server_options.hpp"

namespace mixmatrix::server {

/// The collaborators of the command core: where events go, the transports and the local audio it
/// asks for, where the scene is kept on disk, and who else is told of channels removed. The
/// transports (ports, RTP in and out) speak for themselves in `list`, `show` and saved scenes, in
/// that order.
struct command_services {
  event_bus& events;
  channel_ports& ports;
  channel_rtp_inputs& rtp_in;
  channel_rtp& rtp;
  session_directory& sap;
  audio_service& audio;
  scene_store& store;
  std::vector<channel_observer*> observers;  ///< beyond the transports (sessions on a channel)

  /// The transports, in the order their words come.
  std::vector<channel_service*> transports() const { return {&ports, &rtp_in, &rtp}; }
};

/// The one place that applies control commands to the scene: the routing matrix, its channels and
/// what serves them, publishing a new plan to the engine after every change, saving the scene and
/// announcing changes. It returns typed results that front ends format (telnet text, web JSON) and
/// does no socket, device or disk I/O itself: it asks its services, which answer later. Network
/// thread only.
class command_core : public channel_directory {
 public:
  /// Receives a command's result on the network thread.
  using done_handler = std::function<void(command_result)>;
  /// Asks a transport to serve a channel just added (a port, an RTP stream); its refusal.
  using transport_opener =
      std::function<std::optional<protocol::failure>(std::shared_ptr<mixer::input_channel>)>;

  /// Works on `engine`'s plans; `clock` is only read for `stats`.
  command_core(mixer::engine& engine, const engine_thread& clock, command_services services,
               const server_options& options);

  /// Runs `command`, typed as `line`, for `from`; `done` gets its result exactly once, when the
  /// command has taken effect: at once, or later for commands that open files or devices. A change
  /// comes with a save ticket its answer waits for. `from` is used only until this returns.
  void execute(const protocol::command& command, const std::string& line, client& from, done_handler done);

  protocol::result<std::shared_ptr<mixer::input_channel>> input_for_sender(const std::string& name) override;
  protocol::result<std::shared_ptr<mixer::channel>> channel_for_listener(const std::string& name) override;

  /// What the scene holds, channel by channel, sorted by name (for front ends that draw it).
  std::vector<channel_report> reports() const;
  /// Every channel's meters, sorted by name.
  std::vector<channel_meters> meters() const;
  /// The scene as control commands that rebuild it.
  std::string scene() const;
  /// Rewrites the state file (if any) with the scene, in the background, answering nobody.
  void persist() const;
  /// Ten times a second: publishes a plan without crosspoints that have finished fading out, frees
  /// retired plans, sends meters to whoever watches them.
  void housekeep();

 private:
  // The shapes of the handlers: queries and changes that finish at once; a connection's own
  // commands (auth, watch, salvos); and commands that finish later (files, devices).
  command_result run(const protocol::cmd::help& c) const;
  command_result run(const protocol::cmd::list& c) const;
  command_result run(const protocol::cmd::show& c) const;
  command_result run(const protocol::cmd::kamaelia_query& c) const;
  command_result run(const protocol::cmd::meters& c) const;
  command_result run(const protocol::cmd::stats& c) const;
  command_result run(const protocol::cmd::graph& c) const;
  command_result run(const protocol::cmd::sdp& c) const;
  command_result run(const protocol::cmd::sources& c) const;
  command_result run(const protocol::cmd::ping& c) const;
  command_result run(const protocol::cmd::quit& c) const;
  command_result run(const protocol::cmd::add_network_input& c);
  command_result run(const protocol::cmd::add_tone_input& c);
  command_result run(const protocol::cmd::remove_input& c);
  command_result run(const protocol::cmd::add_mix& c);
  command_result run(const protocol::cmd::remove_mix& c);
  command_result run(const protocol::cmd::auth& c, client& from);
  command_result run(const protocol::cmd::watch& c, client& from);
  command_result run(const protocol::cmd::unwatch& c, client& from);
  command_result run(const protocol::cmd::begin_salvo& c, client& from);
  command_result run(const protocol::cmd::commit_salvo& c, client& from);
  command_result run(const protocol::cmd::abort_salvo& c, client& from);
  void run(const protocol::cmd::add_file_input& c, const client& from, done_handler done);
  void run(const protocol::cmd::add_sdp_input& c, const client& from, done_handler done);
  command_result run(const protocol::cmd::add_sap_input& c);
  void run(const protocol::cmd::record& c, const client& from, done_handler done);
  void run(const protocol::cmd::play& c, const client& from, done_handler done);
  void run(const protocol::cmd::devices& c, const client& from, done_handler done);
  void run(const protocol::cmd::stop& c, const client& from, done_handler done);
  void run(const protocol::cmd::save& c, const client& from, done_handler done);
  void run(const protocol::cmd::load& c, const client& from, done_handler done);

  command_result change_crosspoints(const protocol::command& c);
  command_result queue_in_salvo(const protocol::command& c, const std::string& line, client& from);
  std::optional<protocol::failure> apply_salvo(const std::vector<salvo_change>& changes, bool dry_run);
  bool name_taken(const std::string& name) const;
  command_result add_input(std::shared_ptr<mixer::input_channel> input, const transport_opener& open);
  command_result remove_channel(const std::string& name, mixer::channel_kind kind);
  void publish_plan();
  channel_report report_of(const std::string& name, bool detailed) const;

  mixer::engine& engine_;
  const engine_thread& clock_;
  command_services services_;
  const server_options& options_;
  mixer::matrix matrix_;
  std::set<std::string> reserved_;  // names of channels being added while their file opens
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace mixmatrix::server
