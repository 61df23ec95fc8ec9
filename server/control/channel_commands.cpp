// command_core's changes to the channels and what serves them: inputs, mixes, their ports, the
// server's own audio, scene files.
#include <cstdio>
#include <filesystem>

#include "protocol/sdp.hpp"
#include "server/control/command_core.hpp"
#include "server/control/crosspoint_changes.hpp"
#include "server/control/reports.hpp"
#include "server/control/scene_script.hpp"

namespace mixmatrix::server {
namespace {
using protocol::code;
using protocol::failure;
namespace cmd = protocol::cmd;

command_result outcome(const std::optional<failure>& error) {
  return error ? command_result::failed(*error) : command_result::done();
}

command_result no_channel(const std::string& name) {
  return command_result::failed({code::not_found, "no such channel " + name});
}

// Scene files may load others, but not forever.
constexpr int max_load_depth = 8;

// A file the server opens: a relative path is resolved against the server's working directory (its
// clients send absolute ones), and the answer names where that is.
std::string server_path(const std::string& path) {
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(path, ec);
  return ec ? path : absolute.lexically_normal().string();
}
}  // namespace

bool command_core::name_taken(const std::string& name) const {
  return matrix_.find(name) != nullptr || reserved_.contains(name);
}

command_result command_core::add_input(std::shared_ptr<mixer::input_channel> input,
                                       const transport_opener& open) {
  const std::string name = input->name();
  if (name_taken(name)) return command_result::failed({code::conflict, "name " + name + " exists"});
  if (auto e = matrix_.add_input(input)) return command_result::failed(to_failure(*e));
  publish_plan();
  if (open) {
    if (auto refused = open(std::move(input))) {
      remove_channel(name, mixer::channel_kind::input);
      return command_result::failed(*refused);
    }
  }
  return command_result::done();
}

command_result command_core::remove_channel(const std::string& name, mixer::channel_kind kind) {
  // Mix-minuses taken from or without the channel go with it, and are served no more either.
  std::vector<std::shared_ptr<mixer::channel>> gone;
  for (const std::string& n : matrix_.removed_with(name)) {
    if (auto ch = matrix_.find(n)) gone.push_back(std::move(ch));
  }
  if (auto e = matrix_.remove(name, kind)) return command_result::failed(to_failure(*e));
  publish_plan();
  std::string also;
  for (const auto& ch : gone) {
    for (auto* transport : services_.transports()) transport->on_channel_removed(*ch);
    for (auto* observer : services_.observers) observer->on_channel_removed(*ch);
    services_.audio.forget(ch->name());
    if (ch->name() != name) also += " " + ch->name();
  }
  return also.empty() ? command_result::done() : command_result::done("also removed" + also);
}

command_result command_core::run(const cmd::add_network_input& c) {
  const std::uint32_t latency = c.latency_ms.value_or(options_.engine.default_latency_ms);
  auto input = std::make_shared<mixer::input_channel>(c.name, options_.engine, latency);
  if (c.playout_ms) input->play_at_timestamps(*c.playout_ms);
  if (c.port) {
    return add_input(std::move(input), [this, spec = port_spec{*c.port, c.format}](auto in) {
      return services_.ports.open(std::move(in), spec);
    });
  }
  if (c.rtp) {
    return add_input(std::move(input),
                     [this, &c](auto in) { return services_.rtp_in.receive(std::move(in), *c.rtp, {}); });
  }
  return add_input(std::move(input), {});
}

command_result command_core::run(const cmd::add_tone_input& c) {
  if (c.hz >= options_.engine.rate / 2.0) {
    char limit[32];
    std::snprintf(limit, sizeof limit, "%.2f", options_.engine.rate / 2.0);
    return command_result::failed(
        {code::bad_request, "frequency must be below half the rate (" + std::string(limit) + " Hz)"});
  }
  return add_input(std::make_shared<mixer::input_channel>(c.name, options_.engine, c.hz, c.dbfs), {});
}

command_result command_core::run(const cmd::remove_input& c) {
  return remove_channel(c.name, mixer::channel_kind::input);
}

command_result command_core::run(const cmd::add_mix& c) {
  if (reserved_.contains(c.name)) return command_result::failed({code::conflict, "name " + c.name + " exists"});
  const auto added = c.minus ? matrix_.add_minus(c.name, c.minus->mix, c.minus->source) : matrix_.add_mix(c.name);
  if (added) return command_result::failed(to_failure(*added));
  publish_plan();
  if (c.port) {
    if (auto refused = services_.ports.open(matrix_.find(c.name), port_spec{*c.port, c.format})) {
      remove_channel(c.name, mixer::channel_kind::mix);
      return command_result::failed(*refused);
    }
  }
  if (c.rtp) {
    if (auto refused = services_.rtp.send(matrix_.find(c.name), *c.rtp)) {
      remove_channel(c.name, mixer::channel_kind::mix);
      return command_result::failed(*refused);
    }
  }
  return command_result::done();
}

command_result command_core::run(const cmd::remove_mix& c) { return remove_channel(c.name, mixer::channel_kind::mix); }

void command_core::run(const cmd::add_file_input& c, const client&, done_handler done) {
  if (name_taken(c.name)) return done(command_result::failed({code::conflict, "name " + c.name + " exists"}));
  auto input = std::make_shared<mixer::input_channel>(c.name, options_.engine, options_.engine.default_latency_ms,
                                                      mixer::input_kind::file);
  // The name is held while the file opens on a worker, so nothing else takes it meanwhile.
  reserved_.insert(c.name);
  const std::string path = server_path(c.path);
  services_.audio.play_file(input, path, c.loop,
                            [this, input, path, done = std::move(done)](std::optional<failure> e) {
                              reserved_.erase(input->name());
                              if (e) return done(command_result::failed(*e));
                              auto r = add_input(input, {});
                              if (!r.ok()) services_.audio.forget(input->name());
                              if (r.ok()) r.status = "playing " + path;
                              done(std::move(r));
                            });
}

void command_core::run(const cmd::add_sdp_input& c, const client&, done_handler done) {
  if (name_taken(c.name)) return done(command_result::failed({code::conflict, "name " + c.name + " exists"}));
  // The name is held while the file is read on the disk worker.
  reserved_.insert(c.name);
  const std::string path = server_path(c.path);
  services_.store.read(path, [this, c, path, done = std::move(done)](protocol::result<std::string> text) {
    reserved_.erase(c.name);
    if (!text) return done(command_result::failed(text.error()));
    const auto sdp = protocol::parse_sdp(text.value());
    if (!sdp) return done(command_result::failed({sdp.error().code, path + ": " + sdp.error().text}));
    const auto source = protocol::source_of(sdp.value());
    const std::uint32_t latency = c.latency_ms.value_or(options_.engine.default_latency_ms);
    auto input = std::make_shared<mixer::input_channel>(c.name, options_.engine, latency);
    if (c.playout_ms) input->play_at_timestamps(*c.playout_ms);
    auto r = add_input(std::move(input), [this, &source, &path](auto in) {
      return services_.rtp_in.receive(std::move(in), source, {"sdp", path});
    });
    if (r.ok()) {
      const auto& s = sdp.value();
      r.status = "receiving " + protocol::format_rtp_source(source) + " from " + path;
      if (s.audio_media > 1)
        r.status += " (the first of its " + std::to_string(s.audio_media) + " audio media)";
    }
    done(std::move(r));
  });
}

command_result command_core::run(const cmd::add_sap_input& c) {
  const std::uint32_t latency = c.latency_ms.value_or(options_.engine.default_latency_ms);
  std::string status;
  auto input = std::make_shared<mixer::input_channel>(c.name, options_.engine, latency);
  if (c.playout_ms) input->play_at_timestamps(*c.playout_ms);
  auto r = add_input(std::move(input), [&](auto in) {
    auto subscribed = services_.sap.subscribe(std::move(in), c.session);
    if (!subscribed) return std::optional<failure>(subscribed.error());
    status = std::move(subscribed.value());
    return std::optional<failure>();
  });
  if (r.ok()) r.status = status;
  return r;
}

void command_core::run(const cmd::record& c, const client&, done_handler done) {
  auto ch = matrix_.find(c.name);
  if (!ch) return done(no_channel(c.name));
  const std::string path = server_path(c.path);
  services_.audio.record(std::move(ch), path, [path, done = std::move(done)](std::optional<failure> e) {
    done(e ? command_result::failed(*e) : command_result::done("recording to " + path));
  });
}

void command_core::run(const cmd::play& c, const client&, done_handler done) {
  auto ch = matrix_.find(c.name);
  if (!ch) return done(no_channel(c.name));
  services_.audio.play(std::move(ch), c.device, [done = std::move(done)](std::optional<failure> e) { done(outcome(e)); });
}

void command_core::run(const cmd::devices&, const client&, done_handler done) {
  services_.audio.devices([done = std::move(done)](std::vector<std::string> found) {
    auto r = command_result::done(found.empty() ? "no sound devices" : "");
    r.data = std::move(found);
    done(std::move(r));
  });
}

void command_core::run(const cmd::stop& c, const client&, done_handler done) {
  services_.audio.stop(c.name, [done = std::move(done)](protocol::result<stopped_audio> stopped) {
    if (!stopped) return done(command_result::failed(stopped.error()));
    auto r = command_result::done();
    r.data = stopped_lines(stopped.value());
    done(std::move(r));
  });
}

void command_core::run(const cmd::save& c, const client&, done_handler done) {
  const std::string path = c.path.empty() ? services_.store.state_file().value_or("") : server_path(c.path);
  if (path.empty()) return done(command_result::failed({code::bad_request, "no PATH given and no --state file"}));
  services_.store.save(path, scene(), [path, done = std::move(done)](std::optional<std::string> error) {
    if (error) return done(command_result::failed({code::internal, *error}));
    done(command_result::done("saved to " + path));
  });
}

void command_core::run(const cmd::load& c, const client& from, done_handler done) {
  if (from.depth >= max_load_depth) return done(command_result::failed({code::bad_request, "load nested too deeply"}));
  services_.store.read(server_path(c.path), [this, path = c.path, depth = from.depth + 1,
                                             done = std::move(done)](
                                                protocol::result<std::string> text) mutable {
    if (!text) return done(command_result::failed(text.error()));
    run_scene_script(*this, path, std::move(text.value()), depth,
                     [done = std::move(done)](std::optional<failure> error) { done(outcome(error)); });
  });
}

}  // namespace mixmatrix::server
