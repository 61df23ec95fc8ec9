#include "core_rig.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "protocol/command_parser.hpp"
#include "protocol/words.hpp"
#include "server/control/port_words.hpp"
#include "tests/support/child_process.hpp"

namespace mixmatrix::test {
namespace {

using protocol::code;
using protocol::failure;
namespace asio = server::asio;

server::server_options options_for(const rig_setup& setup, const std::string& dir) {
  server::server_options o;
  o.engine.max_channels = setup.max_channels;
  o.password = setup.password;
  if (setup.state_file) {
    o.state_file = setup.state_file;
  } else if (setup.with_state_file) {
    o.state_file = dir + "/state.mix";
  }
  return o;
}

}  // namespace

std::optional<failure> fake_ports::open(std::shared_ptr<mixer::channel> ch, const server::port_spec& spec) {
  opened.emplace_back(ch->name(), spec.port);
  if (taken.contains(spec.port)) {
    return failure{code::conflict, "port " + std::to_string(spec.port) + " unavailable: address in use"};
  }
  ports[ch->name()] = spec;
  return std::nullopt;
}

std::optional<server::port_spec> fake_ports::port_of(const std::string& name) const {
  const auto it = ports.find(name);
  if (it == ports.end()) return std::nullopt;
  return it->second;
}

std::string fake_ports::line_words(const std::string& name, bool detailed) const {
  const auto spec = port_of(name);
  return spec ? server::port_line_words(*spec, detailed, protocol::backplane_format(44100)) : std::string{};
}

std::string fake_ports::scene_words(const std::string& name) const {
  const auto spec = port_of(name);
  return spec ? server::port_scene_words(*spec) : std::string{};
}

void fake_ports::on_channel_removed(const mixer::channel& ch) {
  ports.erase(ch.name());
}

void fake_audio::complete(std::function<void()> f) {
  if (later) return asio::post(io_, std::move(f));
  f();
}

void fake_audio::record(std::shared_ptr<mixer::channel> ch, const std::string& path, done_handler done) {
  const std::string name = ch->name();
  calls.push_back("record " + name + " " + path);
  complete([this, name, path, done] {
    if (refusal) return done(refusal);
    if (recordings.contains(name)) return done(failure{code::conflict, name + " is already recording"});
    recordings[name] = {path, 0, 0};
    done(std::nullopt);
  });
}

void fake_audio::play(std::shared_ptr<mixer::channel> ch, const std::string& device, done_handler done) {
  const std::string name = ch->name();
  calls.push_back("play " + name + (device.empty() ? "" : " " + device));
  complete([this, name, device, done] {
    if (refusal) return done(refusal);
    if (playbacks.contains(name)) return done(failure{code::conflict, name + " is already playing"});
    playbacks[name] = {device.empty() ? "default" : device, 0, 0, 0};
    done(std::nullopt);
  });
}

void fake_audio::devices(std::function<void(std::vector<std::string>)> done) {
  calls.emplace_back("devices");
  complete([this, done] { done(device_lines); });
}

void fake_audio::stop(const std::string& name,
                      std::function<void(protocol::result<server::stopped_audio>)> done) {
  calls.push_back("stop " + name);
  complete([this, name, done] {
    server::stopped_audio stopped;
    if (auto it = recordings.find(name); it != recordings.end()) {
      stopped.recording = it->second;
      recordings.erase(it);
    }
    if (auto it = playbacks.find(name); it != playbacks.end()) {
      stopped.playback = it->second;
      playbacks.erase(it);
    }
    if (!stopped.recording && !stopped.playback) {
      return done(failure{code::not_found, name + " is not recording or playing"});
    }
    done(stopped);
  });
}

void fake_audio::play_file(std::shared_ptr<mixer::input_channel> input, const std::string& path, bool loop,
                           done_handler done) {
  const std::string name = input->name();
  calls.push_back("play_file " + name + " " + path + (loop ? " loop" : " once"));
  complete([this, name, path, loop, done] {
    if (refusal) return done(refusal);
    files[name] = {path, loop, false};
    done(std::nullopt);
  });
}

void fake_audio::forget(const std::string& name) {
  calls.push_back("forget " + name);
  recordings.erase(name);
  playbacks.erase(name);
  files.erase(name);
}

std::optional<server::recording_status> fake_audio::recording(const std::string& name) const {
  const auto it = recordings.find(name);
  if (it == recordings.end()) return std::nullopt;
  return it->second;
}

std::optional<server::playback_status> fake_audio::playback(const std::string& name) const {
  const auto it = playbacks.find(name);
  if (it == playbacks.end()) return std::nullopt;
  return it->second;
}

std::optional<server::file_status> fake_audio::file(const std::string& name) const {
  const auto it = files.find(name);
  if (it == files.end()) return std::nullopt;
  return it->second;
}

std::vector<std::int16_t> audio_tap::read() {
  std::vector<std::int16_t> block(ch_->output().block_bytes() / sizeof(std::int16_t));
  REQUIRE_MESSAGE(cursor_.read(std::as_writable_bytes(std::span(block))), "no new block of " << ch_->name());
  return block;
}

int peak_of(const std::vector<std::int16_t>& block) {
  int peak = 0;
  for (const std::int16_t s : block) peak = std::max(peak, std::abs(int{s}));
  return peak;
}

std::string reply_of(const server::command_result& r) {
  if (r.error) return "ERR " + std::to_string(static_cast<int>(r.error->code)) + " " + r.error->text;
  return r.status.empty() ? "OK" : "OK " + r.status;
}

core_rig::core_rig(rig_setup setup)
    : dir(temp_dir()),
      options(options_for(setup, dir)),
      engine(options.engine),
      clock(engine),
      rtp(io, options.engine.rate, options.reference_clock),
      rtp_in(io, options.engine.rate, events),
      sap(io, {}, rtp, rtp_in),
      audio(io),
      store(io, asio::make_strand(workers), options.state_file),
      core(engine, clock, {events, ports, rtp_in, rtp, sap, audio, store, {&observer}}, options),
      connection(connect("127.0.0.1:5000", !options.password)) {}

core_rig::~core_rig() {
  // Disk jobs still under way finish and answer while everything they touch is alive.
  drain();
  workers.join();
  std::filesystem::remove_all(dir);
}

std::shared_ptr<answer> core_rig::start(const std::string& line, server::client& from) {
  auto words = protocol::split_words(line);
  if (!words) FAIL("cannot split " << line << ": " << words.error().text);
  auto command = protocol::parse_command(words.value());
  if (!command) FAIL("cannot parse " << line << ": " << command.error().text);
  auto a = std::make_shared<answer>();
  a->line = line;
  const auto arrived = [this, a](server::command_result r) {
    if (options.state_file) a->state_when_answered = state();
    a->result = std::move(r);
  };
  core.execute(command.value(), line, from, [a, arrived](server::command_result r) {
    ++a->calls;
    CHECK_MESSAGE(a->calls == 1, "answered twice: " << a->line);
    a->applied = true;
    const auto ticket = std::move(r.saved);
    if (!ticket) return arrived(std::move(r));
    ticket->then(
        [arrived, r](const std::optional<std::string>& error) { arrived(r.with_save_outcome(error)); });
  });
  return a;
}

server::command_result core_rig::wait(const std::shared_ptr<answer>& a) {
  io.restart();
  const auto busy = asio::make_work_guard(io);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!a->result && std::chrono::steady_clock::now() < deadline)
    io.run_one_for(std::chrono::milliseconds(50));
  if (!a->result) FAIL("no answer to " << a->line);
  return *a->result;
}

server::command_result core_rig::run(const std::string& line) {
  return run(line, connection);
}

server::command_result core_rig::run(const std::string& line, server::client& from) {
  return wait(start(line, from));
}

void core_rig::drain() {
  io.restart();
  io.run();
}

std::vector<std::string> core_rig::lines_of(const std::string& line) {
  const auto r = run(line);
  if (!r.ok()) FAIL(line << ": ERR " << static_cast<int>(r.error->code) << " " << r.error->text);
  return r.data;
}

server::client core_rig::connect(const std::string& origin, bool authenticated) const {
  server::client c;
  c.origin = origin;
  c.authenticated = authenticated;
  return c;
}

server::client core_rig::script_client() const {
  server::client c;
  c.what = server::client::kind::script;
  c.origin = dir + "/scene.mix";
  c.authenticated = true;
  c.depth = 1;
  return c;
}

std::shared_ptr<recording_sink> core_rig::sink_for(server::client& from) const {
  auto sink = std::make_shared<recording_sink>();
  from.sink = sink;
  return sink;
}

std::unique_ptr<audio_tap> core_rig::tap(const std::string& name) {
  auto ch = core.channel_for_listener(name);
  if (!ch) FAIL("cannot listen to " << name << ": " << ch.error().text);
  return std::make_unique<audio_tap>(ch.value());
}

void core_rig::process(int blocks) {
  for (int i = 0; i < blocks; ++i) engine.process_block();
}

int core_rig::peak_after(audio_tap& t, int blocks) {
  std::vector<std::int16_t> last;
  for (int i = 0; i < blocks; ++i) {
    engine.process_block();
    last = t.read();
  }
  return peak_of(last);
}

std::string core_rig::write_file(const std::string& name, const std::string& text) const {
  const std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string core_rig::state() const {
  return options.state_file ? read_file(*options.state_file) : std::string{};
}

}  // namespace mixmatrix::test
