#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "mixer/block_cursor.hpp"
#include "mixer/engine.hpp"
#include "server/asio.hpp"
#include "server/control/audio_service.hpp"
#include "server/control/channel_directory.hpp"
#include "server/control/client.hpp"
#include "server/control/command_core.hpp"
#include "server/control/command_result.hpp"
#include "server/control/event_bus.hpp"
#include "server/control/scene_store.hpp"
#include "server/engine_thread.hpp"
#include "server/net/rtp/rtp_receivers.hpp"
#include "server/net/rtp/rtp_senders.hpp"
#include "server/net/rtp/sap_directory.hpp"
#include "server/server_options.hpp"

// Data lines print one per line when a comparison of them fails.
template <>
struct doctest::StringMaker<std::vector<std::string>> {
  static doctest::String convert(const std::vector<std::string>& lines) {
    std::string text = "{";
    for (const auto& line : lines) text += "\n  \"" + line + "\"";
    return (text + "\n}").c_str();
  }
};

namespace mixmatrix::test {

/// Raw ports as the core sees them: open() is recorded and refused (409) for a port marked
/// taken; removal forgets the port, as the real ports do.
class fake_ports : public server::channel_ports {
 public:
  std::optional<protocol::failure> open(std::shared_ptr<mixer::channel> ch, const server::port_spec& spec) override;
  std::optional<server::port_spec> port_of(const std::string& name) const override;
  std::string line_words(const std::string& name, bool detailed) const override;
  std::string scene_words(const std::string& name) const override;
  void on_channel_removed(const mixer::channel& ch) override;

  std::set<std::uint16_t> taken;                              ///< open() refuses these
  std::vector<std::pair<std::string, std::uint16_t>> opened;  ///< every open() asked for, refused or not
  std::map<std::string, server::port_spec> ports;             ///< the ports channels hold now
};

/// Records the channels it is told are gone.
class recording_observer : public server::channel_observer {
 public:
  void on_channel_removed(const mixer::channel& ch) override { removed.push_back(ch.name()); }
  std::vector<std::string> removed;
};

/// The server's own audio, faked: every call is recorded (`record M PATH`, `play M DEVICE`,
/// `devices`, `stop M`, `play_file F PATH loop|once`, `forget M`); record, play and play_file fail
/// with `refusal` when set; completions come at once or, with `later`, posted to the io_context.
/// What succeeded shows in recording(), playback() and file(), with the counts set there.
class fake_audio : public server::audio_service {
 public:
  explicit fake_audio(server::asio::io_context& io) : io_(io) {}

  void record(std::shared_ptr<mixer::channel> ch, const std::string& path, done_handler done) override;
  void play(std::shared_ptr<mixer::channel> ch, const std::string& device, done_handler done) override;
  void devices(std::function<void(std::vector<std::string>)> done) override;
  void stop(const std::string& name,
            std::function<void(protocol::result<server::stopped_audio>)> done) override;
  void play_file(std::shared_ptr<mixer::input_channel> input, const std::string& path, bool loop,
                 done_handler done) override;
  void forget(const std::string& name) override;
  std::optional<server::recording_status> recording(const std::string& name) const override;
  std::optional<server::playback_status> playback(const std::string& name) const override;
  std::optional<server::file_status> file(const std::string& name) const override;

  std::optional<protocol::failure> refusal;
  bool later = false;
  std::vector<std::string> device_lines{"0 Fake Output (ALSA)", "1 Other Card (JACK)"};
  std::vector<std::string> calls;
  std::map<std::string, server::recording_status> recordings;
  std::map<std::string, server::playback_status> playbacks;
  std::map<std::string, server::file_status> files;

 private:
  void complete(std::function<void()> f);

  server::asio::io_context& io_;
};

/// Events and meters as a watching connection receives them.
class recording_sink : public server::event_sink {
 public:
  void on_event(const std::string& text) override { events.push_back(text); }
  void on_meters(std::span<const server::channel_meters> readings) override {
    meters.emplace_back(readings.begin(), readings.end());
  }
  std::vector<std::string> events;
  std::vector<std::vector<server::channel_meters>> meters;
};

/// One channel's published blocks, read as a listener would.
class audio_tap {
 public:
  explicit audio_tap(std::shared_ptr<mixer::channel> ch) : ch_(std::move(ch)), cursor_(ch_->output()) {}
  /// The next block published since the last read (fails the test when there is none).
  std::vector<std::int16_t> read();

 private:
  std::shared_ptr<mixer::channel> ch_;
  mixer::block_cursor cursor_;
};

/// The largest absolute sample of a block.
int peak_of(const std::vector<std::int16_t>& block);

/// True when `text` (lines ending in LF) holds `line` as a whole line.
inline bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

/// The status line a telnet client would get: `OK [STATUS]` or `ERR CODE TEXT`.
std::string reply_of(const server::command_result& r);

/// A command's answer as a front end sends it: once the core has answered and, for a change, the
/// state file holds it (its save ticket settled); and what the state file held at that moment.
struct answer {
  std::string line;
  bool applied = false;  ///< the core has answered: the command has taken effect
  std::optional<server::command_result> result;
  std::string state_when_answered;
  int calls = 0;
};

/// What a rig is made with.
struct rig_setup {
  bool with_state_file = false;
  std::optional<std::string> state_file;  ///< this path instead of one in the rig's directory
  std::optional<std::string> password;
  std::size_t max_channels = 4096;
};

/// A rig with a state file in its temp dir.
inline rig_setup with_state_file() {
  rig_setup s;
  s.with_state_file = true;
  return s;
}
/// A rig whose state file is `path`.
inline rig_setup with_state_file_at(std::string path) {
  rig_setup s;
  s.state_file = std::move(path);
  return s;
}
/// A rig whose server wants `password` (its connection starts unauthenticated).
inline rig_setup with_password(std::string password) {
  rig_setup s;
  s.password = std::move(password);
  return s;
}
/// A rig of at most `n` channels.
inline rig_setup with_max_channels(std::size_t n) {
  rig_setup s;
  s.max_channels = n;
  return s;
}

/// A command core driven by hand: a real engine (blocks processed by the test, its clock never
/// started), event bus and scene store (a worker thread, a state file in a temp dir), fake ports
/// and audio, and a connection from 127.0.0.1:5000.
class core_rig {
 public:
  explicit core_rig(rig_setup setup = {});
  ~core_rig();
  core_rig(const core_rig&) = delete;
  core_rig& operator=(const core_rig&) = delete;

  /// Parses `line` (the test fails if it does not parse), runs it for `from` (the connection by
  /// default) and turns the io_context until its answer arrives.
  server::command_result run(const std::string& line);
  server::command_result run(const std::string& line, server::client& from);
  /// Runs `line` without waiting: the answer, filled in when it arrives.
  std::shared_ptr<answer> start(const std::string& line, server::client& from);
  std::shared_ptr<answer> start(const std::string& line) { return start(line, connection); }
  /// Turns the io_context until `a` has arrived, its save included (the test fails after 10 s without it).
  server::command_result wait(const std::shared_ptr<answer>& a);
  /// Turns the io_context until no work is left (disk jobs included).
  void drain();
  /// The status line of `line` run by the connection.
  std::string reply(const std::string& line) { return reply_of(run(line)); }
  /// The data lines of `line`, which must succeed.
  std::vector<std::string> lines_of(const std::string& line);

  /// Another control connection from `origin`.
  server::client connect(const std::string& origin, bool authenticated = true) const;
  /// A scene-file client, as `load` makes one.
  server::client script_client() const;
  /// A sink for `from`'s events; `from` holds it weakly, as connections do.
  std::shared_ptr<recording_sink> sink_for(server::client& from) const;

  /// Listens to channel `name` (which must exist) from the next block on.
  std::unique_ptr<audio_tap> tap(const std::string& name);
  /// Processes `blocks` engine blocks.
  void process(int blocks);
  /// Processes `blocks` blocks and gives the peak of the last one `t` read.
  int peak_after(audio_tap& t, int blocks);

  /// A file in the rig's temp dir with `text`, and its path.
  std::string write_file(const std::string& name, const std::string& text) const;
  /// The state file's content now ("" when missing).
  std::string state() const;

  std::string dir;
  server::server_options options;
  server::asio::io_context io;
  server::asio::thread_pool workers{1};
  mixer::engine engine;
  server::engine_thread clock;
  server::event_bus events;
  fake_ports ports;
  server::rtp_senders rtp;       ///< real: to 127.0.0.1 only, sending while the test turns io
  server::rtp_receivers rtp_in;  ///< real: bound on 127.0.0.1 only, receiving while the test turns io
  server::sap_directory sap;     ///< real, and off (as without --sap): nothing announced or heard
  recording_observer observer;
  fake_audio audio;
  server::scene_store store;
  server::command_core core;
  server::client connection;
};

}  // namespace mixmatrix::test
