#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mixer/engine.hpp"
#include "mixer/matrix.hpp"
#include "protocol/command.hpp"
#include "protocol/failure.hpp"
#include "server/audio_sessions.hpp"
#include "server/block_pump.hpp"
#include "server/engine_thread.hpp"
#include "server/event_bus.hpp"
#include "server/raw_port.hpp"
#include "server/local_audio.hpp"
#include "server/server_options.hpp"

namespace mixmatrix::server {

/// The control side of the server: runs control commands against the routing matrix, owns the
/// channels' raw ports, and publishes a new plan to the engine after every change. Network
/// thread only.
class command_executor {
 public:
  /// Works on `engine`'s plans; raw ports bind to the stream address of `options`.
  command_executor(asio::io_context& io, mixer::engine& engine, const engine_thread& clock, block_pump& pump,
                   audio_sessions& sessions, event_bus& events, const server_options& options);

  /// Runs one command; returns its data lines followed by the `OK` or `ERR` status line. Commands
  /// that use the sound device block until it answers.
  std::string execute(const protocol::command& command);
  /// Runs one command and hands its reply to `done`: at once for most; for the commands that use
  /// the sound device, always later, from a handler (they run on the device thread meanwhile).
  void execute(const protocol::command& command, const std::function<void(const std::string&)>& done);
  /// Runs a whole control line (as --load and the demo do); returns why it failed, if it did.
  std::optional<protocol::failure> apply_line(const std::string& line);
  /// Runs every line of `path` (blank lines and `#` comments skipped); fails naming the first bad line.
  std::optional<protocol::failure> run_file(const std::string& path);
  /// The scene as control commands that rebuild it: inputs, mixes, routes, gains, mutes, states.
  std::string scene_text() const;
  /// One `meters` line per channel, sorted by name.
  std::vector<std::string> meter_lines() const;
  /// Rewrites the --state file (if any) with the scene, atomically; logs a failure.
  void persist() const;

  /// One queued salvo change: the line as typed (to name it in errors) and the command.
  struct salvo_change {
    std::string line;
    protocol::command command;
  };
  /// Applies `changes` in order as one plan (one block boundary), or none of them: the failure
  /// names the first that does not apply. With `dry_run`, only checks.
  std::optional<protocol::failure> apply_salvo(const std::vector<salvo_change>& changes, bool dry_run);

  /// For SEND: the network input `name`, created with the default latency when absent.
  protocol::result<std::shared_ptr<mixer::input_channel>> input_for_sender(const std::string& name);
  /// For LISTEN: the channel `name`.
  protocol::result<std::shared_ptr<mixer::channel>> channel_for_listener(const std::string& name);

  /// Publishes a plan without the crosspoints that have finished fading out, if there are any.
  void drop_finished_fades();
  /// Closes every raw port and disconnects every session.
  void stop();

 private:
  using reply = protocol::result<std::string>;  // data lines, or the failure

  static std::string status_lines(const protocol::command& command, const reply& r);
  // play, devices or stop: on the device thread when `async`, else here, waiting for the device.
  void on_device(const protocol::command& command, bool async, const local_audio::reply_handler& done);
  reply on_device_now(const protocol::command& command);

  reply run(const protocol::cmd::help& c);
  reply run(const protocol::cmd::list& c);
  reply run(const protocol::cmd::show& c);
  reply run(const protocol::cmd::add_network_input& c);
  reply run(const protocol::cmd::add_tone_input& c);
  reply run(const protocol::cmd::add_file_input& c);
  reply run(const protocol::cmd::remove_input& c);
  reply run(const protocol::cmd::add_mix& c);
  reply run(const protocol::cmd::remove_mix& c);
  reply run(const protocol::cmd::switch_mix& c);
  reply run(const protocol::cmd::route& c);
  reply run(const protocol::cmd::unroute& c);
  reply run(const protocol::cmd::gain& c);
  reply run(const protocol::cmd::mute& c);
  reply run(const protocol::cmd::kamaelia_switch& c);
  reply run(const protocol::cmd::kamaelia_query& c);
  reply run(const protocol::cmd::meters& c);
  reply run(const protocol::cmd::record& c);
  reply run(const protocol::cmd::play& c);
  reply run(const protocol::cmd::devices& c);
  reply run(const protocol::cmd::stop& c);
  reply run(const protocol::cmd::save& c);
  reply run(const protocol::cmd::load& c);
  reply run(const protocol::cmd::begin_salvo& c);
  reply run(const protocol::cmd::commit_salvo& c);
  reply run(const protocol::cmd::abort_salvo& c);
  reply run(const protocol::cmd::auth& c);
  reply run(const protocol::cmd::watch& c);
  reply run(const protocol::cmd::unwatch& c);
  reply run(const protocol::cmd::stats& c);
  reply run(const protocol::cmd::ping& c);
  reply run(const protocol::cmd::quit& c);

  reply changed(const mixer::matrix_status& status);
  protocol::result<std::unique_ptr<raw_port>> open_port(std::uint16_t port, std::shared_ptr<mixer::channel> ch);
  reply add_input(std::shared_ptr<mixer::input_channel> input, std::optional<std::uint16_t> port);
  reply remove_channel(const std::string& name, mixer::channel_kind kind);
  std::string describe(const std::string& name, bool detailed) const;

  asio::io_context& io_;
  mixer::engine& engine_;
  const engine_thread& clock_;
  event_bus& events_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  block_pump& pump_;
  audio_sessions& sessions_;
  const server_options& options_;
  mixer::matrix matrix_;
  bool publishing_ = true;  // false while a salvo is applied: it publishes once, at the end
  int load_depth_ = 0;  // scene files may load others, but not forever
  std::map<std::string, std::unique_ptr<raw_port>> ports_;
  local_audio audio_;
};

}  // namespace mixmatrix::server
