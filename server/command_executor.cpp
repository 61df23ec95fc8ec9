#include "server/command_executor.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>

#include "protocol/command_parser.hpp"
#include "protocol/help.hpp"
#include "protocol/reply.hpp"
#include "protocol/values.hpp"
#include "protocol/words.hpp"
#include "mixer/kernels.hpp"
#include "server/log.hpp"
#include "server/scene_file.hpp"

namespace mixmatrix::server {
namespace {

using protocol::code;
using protocol::failure;

failure to_failure(const mixer::matrix_error& e) {
  switch (e.what) {
    case mixer::matrix_error::kind::not_found:
      return {code::not_found, e.text};
    case mixer::matrix_error::kind::conflict:
      return {code::conflict, e.text};
    case mixer::matrix_error::kind::limit:
      return {code::unavailable, e.text};
  }
  return {code::internal, e.text};
}

std::string yes_no(bool b) { return b ? "yes" : "no"; }

// A level in dBFS with one decimal, or -inf.
std::string level(double db) {
  if (std::isinf(db)) return "-inf";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", db);
  return text;
}

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", v);
  return text;
}

}  // namespace

command_executor::command_executor(asio::io_context& io, mixer::engine& engine, const engine_thread& clock,
                                   block_pump& pump, audio_sessions& sessions, event_bus& events,
                                   const server_options& options)
    : io_(io),
      engine_(engine),
      clock_(clock),
      events_(events),
      pump_(pump),
      sessions_(sessions),
      options_(options),
      matrix_(options.engine),
      audio_(io, options.engine.rate) {
  engine_.plans().publish(matrix_.compile());
}

std::string command_executor::execute(const protocol::command& command) {
  reply r = std::visit([this](const auto& c) { return run(c); }, command);
  // A failed load may have applied its first lines: the state file follows the scene either way.
  if (protocol::changes_scene(command) && (r || std::holds_alternative<protocol::cmd::load>(command))) persist();
  return status_lines(command, r);
}

void command_executor::execute(const protocol::command& command, const std::function<void(const std::string&)>& done) {
  using namespace protocol;
  if (!uses_sound_device(command)) return done(execute(command));
  // Always later, from the io_context, also when the answer is known at once: the caller has not
  // finished handling the command when this returns.
  const auto answer = [this, command, done](const reply& r) {
    asio::post(io_, [done, text = status_lines(command, r)] { done(text); });
  };
  on_device(command, true, answer);
}

void command_executor::on_device(const protocol::command& command, bool async,
                                 const local_audio::reply_handler& done) {
  using namespace protocol;
  if (const auto* play = std::get_if<cmd::play>(&command)) {
    auto ch = matrix_.find(play->name);
    if (!ch) return done(failure{code::not_found, "no such channel " + play->name});
    return audio_.play(std::move(ch), play->device, async, done);
  }
  if (std::holds_alternative<cmd::devices>(command)) return audio_.devices(async, done);
  audio_.stop(std::get<cmd::stop>(command).name, async, done);
}

command_executor::reply command_executor::on_device_now(const protocol::command& command) {
  reply answer = std::string{};
  on_device(command, false, [&answer](reply r) { answer = std::move(r); });
  return answer;
}

std::string command_executor::status_lines(const protocol::command& command, const reply& r) {
  if (!r) return protocol::err_line(r.error());
  if (std::holds_alternative<protocol::cmd::ping>(command)) return protocol::ok_line("pong");
  if (std::holds_alternative<protocol::cmd::quit>(command)) return protocol::ok_line("bye");
  return r.value() + protocol::ok_line();
}

std::optional<failure> command_executor::apply_line(const std::string& line) {
  auto words = protocol::split_words(line);
  if (!words) return words.error();
  auto command = protocol::parse_command(words.value());
  if (!command) return command.error();
  reply r = std::visit([this](const auto& c) { return run(c); }, command.value());
  if (!r) return r.error();
  return std::nullopt;
}

std::optional<failure> command_executor::run_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) return failure{code::not_found, "cannot read " + path};
  std::string line;
  for (int number = 1; std::getline(file, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    if (auto error = apply_line(line)) {
      return failure{error->code, path + ":" + std::to_string(number) + ": " + line + ": " + error->text};
    }
  }
  return std::nullopt;
}

protocol::result<std::shared_ptr<mixer::input_channel>> command_executor::input_for_sender(const std::string& name) {
  if (auto input = matrix_.find_input(name)) return input;
  if (matrix_.find(name)) return failure{code::conflict, name + " is a mix, not an input"};
  auto r = add_input(std::make_shared<mixer::input_channel>(name, options_.engine, options_.engine.default_latency_ms),
                     std::nullopt);
  if (!r) return r.error();
  log(log_level::info, "input " + name + " created by SEND");
  events_.publish("changed input add " + name + " (by SEND)");
  persist();
  return matrix_.find_input(name);
}

protocol::result<std::shared_ptr<mixer::channel>> command_executor::channel_for_listener(const std::string& name) {
  if (auto ch = matrix_.find(name)) return ch;
  return failure{code::not_found, "no such channel " + name};
}

std::string command_executor::scene_text() const {
  using protocol::format_db;
  std::string text = "# mixmatrix scene, written by mixmatrixd " MIXMATRIX_VERSION "\n";
  const auto port_of = [&](const std::string& name) {
    const auto port = ports_.find(name);
    return port == ports_.end() ? std::string{} : " port " + std::to_string(port->second->port());
  };
  const auto names = matrix_.names();
  for (const std::string& name : names) {
    if (matrix_.find_mix(name)) {
      text += "mix add " + name + port_of(name) + "\n";
      continue;
    }
    const auto input = matrix_.find_input(name);
    if (const file_player* file = audio_.file_of(name)) {
      text += "input add " + name + " file " + protocol::quote_word(file->path()) + (file->loops() ? " loop" : "") + "\n";
    } else if (input->source() == mixer::input_kind::tone) {
      char line[160];
      std::snprintf(line, sizeof line, "input add %s tone %.9g %.9g\n", name.c_str(), input->tone().hz(),
                    input->tone().dbfs());
      text += line;
    } else {
      text += "input add " + name + port_of(name);
      if (input->latency_ms() != options_.engine.default_latency_ms) {
        text += " latency " + std::to_string(input->latency_ms());
      }
      text += "\n";
    }
  }
  for (const std::string& name : names) {
    const mixer::mix_state* mix = matrix_.find_mix(name);
    if (!mix) continue;
    for (const auto& x : mix->routes) {
      text += "route " + name + " " + x.source->name() + " " + format_db(x.gain_db) + "\n";
      if (x.muted) text += "mute " + name + " " + x.source->name() + "\n";
    }
    if (mix->master_db != 0.0) text += "gain " + name + " " + format_db(mix->master_db) + "\n";
    if (!mix->on) text += "mix off " + name + "\n";
  }
  return text;
}

void command_executor::persist() const {
  if (!options_.state_file) return;
  if (auto error = write_atomically(*options_.state_file, scene_text())) {
    log(log_level::error, "state file not updated: " + *error);
  }
}

void command_executor::drop_finished_fades() {
  if (matrix_.has_fades()) engine_.plans().publish(matrix_.compile());
}

void command_executor::stop() {
  ports_.clear();
  audio_.stop_all();
}

command_executor::reply command_executor::changed(const mixer::matrix_status& status) {
  if (status) return to_failure(*status);
  if (publishing_) engine_.plans().publish(matrix_.compile());
  return std::string{};
}

std::optional<failure> command_executor::apply_salvo(const std::vector<salvo_change>& changes, bool dry_run) {
  // The changes allowed in a salvo touch only the matrix, so a copy of it is a complete undo.
  mixer::matrix before = matrix_;
  publishing_ = false;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    reply r = std::visit([this](const auto& c) { return run(c); }, changes[i].command);
    if (!r) {
      matrix_ = std::move(before);
      publishing_ = true;
      return failure{r.error().code, "salvo change " + std::to_string(i + 1) + " (" + changes[i].line +
                                         ") does not apply: " + r.error().text};
    }
  }
  publishing_ = true;
  if (dry_run) {
    matrix_ = std::move(before);
  } else {
    engine_.plans().publish(matrix_.compile());
    persist();
  }
  return std::nullopt;
}

protocol::result<std::unique_ptr<raw_port>> command_executor::open_port(std::uint16_t port,
                                                                        std::shared_ptr<mixer::channel> ch) {
  try {
    return std::make_unique<raw_port>(io_, tcp::endpoint(options_.stream.address(), port), std::move(ch), sessions_);
  } catch (const boost::system::system_error& e) {
    return failure{code::conflict, "port " + std::to_string(port) + " unavailable: " + e.code().message()};
  }
}

command_executor::reply command_executor::add_input(std::shared_ptr<mixer::input_channel> input,
                                                    std::optional<std::uint16_t> port) {
  if (matrix_.find(input->name())) return failure{code::conflict, "name " + input->name() + " exists"};
  std::unique_ptr<raw_port> listener;
  if (port) {
    auto opened = open_port(*port, input);
    if (!opened) return opened.error();
    listener = std::move(opened.value());
  }
  const std::string name = input->name();
  auto r = changed(matrix_.add_input(std::move(input)));
  if (r && listener) ports_[name] = std::move(listener);
  return r;
}

command_executor::reply command_executor::remove_channel(const std::string& name, mixer::channel_kind kind) {
  auto ch = matrix_.find(name);
  auto r = changed(matrix_.remove(name, kind));
  if (!r) return r;
  ports_.erase(name);
  audio_.forget(name);
  pump_.disconnect(ch.get());
  return r;
}

command_executor::reply command_executor::run(const protocol::cmd::help& c) {
  std::string lines;
  for (const auto& entry : protocol::help_table()) {
    const std::string_view syntax = entry.syntax;
    const bool match = c.topic.empty() || (syntax.size() >= c.topic.size() &&
                                           protocol::equals_ignoring_case(syntax.substr(0, c.topic.size()), c.topic));
    if (match) lines += std::string(syntax) + "  -- " + std::string(entry.summary) + "\n";
  }
  if (lines.empty()) return failure{code::not_found, "no command " + c.topic + " (type help)"};
  return lines;
}

command_executor::reply command_executor::run(const protocol::cmd::list&) {
  std::string lines;
  for (const std::string& name : matrix_.names()) lines += describe(name, false);
  return lines;
}

command_executor::reply command_executor::run(const protocol::cmd::show& c) {
  if (!matrix_.find(c.name)) return failure{code::not_found, "no such channel " + c.name};
  return describe(c.name, true);
}

std::string command_executor::describe(const std::string& name, bool detailed) const {
  const auto ch = matrix_.find(name);
  const auto& n = ch->counters();
  const auto port = ports_.find(name);
  const std::string port_text = port == ports_.end() ? "" : " port=" + std::to_string(port->second->port());
  const std::string listeners = " listeners=" + std::to_string(n.listeners.load());
  if (const mixer::mix_state* mix = matrix_.find_mix(name)) {
    if (!detailed) {
      return "mix " + name + " state=" + (mix->on ? "on" : "off") + " sources=" + std::to_string(mix->routes.size()) +
             listeners + port_text + "\n";
    }
    std::string lines = "mix " + name + " state=" + (mix->on ? "on" : "off") +
                        " gain=" + protocol::format_db(mix->master_db) + listeners + port_text +
                        " frames=" + std::to_string(n.frames.load()) + " clips=" + std::to_string(n.clips.load()) +
                        " drops=" + std::to_string(n.dropped_blocks.load()) + "\n";
    for (const auto& x : mix->routes) {
      lines += "route " + x.source->name() + " gain=" + protocol::format_db(x.gain_db) + " muted=" + yes_no(x.muted) + "\n";
    }
    return lines + audio_.describe(name);
  }
  const auto input = matrix_.find_input(name);
  const std::string local = detailed ? audio_.describe(name) : "";
  if (input->source() == mixer::input_kind::tone) {
    return "input " + name + " state=tone hz=" + number(input->tone().hz()) +
           " dbfs=" + number(input->tone().dbfs()) + listeners + "\n" + local;
  }
  if (const file_player* file = audio_.file_of(name)) {
    std::string line = "input " + name + " state=" + (file->ended() && !input->playing() ? "ended" : "file") +
                       " path=" + protocol::quote_word(file->path()) + " loop=" + yes_no(file->loops()) +
                       " buffered_ms=" + std::to_string(input->buffered_ms());
    if (detailed) {
      line += " playing=" + yes_no(input->playing()) + " bytes=" + std::to_string(n.bytes_in.load()) +
              " frames=" + std::to_string(n.frames.load());
    }
    return line + listeners + "\n" + local;
  }
  std::string line = "input " + name + " state=" + (input->has_sender() ? "live" : "idle") + port_text;
  if (!detailed) return line + " buffered_ms=" + std::to_string(input->buffered_ms()) + listeners + "\n";
  return line + " sender=" + (input->has_sender() ? input->sender_address() : "none") +
         " playing=" + yes_no(input->playing()) + " latency_ms=" + std::to_string(input->latency_ms()) +
         " target_ms=" + std::to_string(input->target_ms()) +
         " buffered_ms=" + std::to_string(input->buffered_ms()) + " underruns=" + std::to_string(n.underruns.load()) +
         " overruns=" + std::to_string(n.overruns.load()) +
         " skipped_ms=" + std::to_string(n.skipped_frames.load() * 1000 / options_.engine.rate) +
         " bytes=" + std::to_string(n.bytes_in.load()) +
         " frames=" + std::to_string(n.frames.load()) + listeners + "\n" + local;
}

command_executor::reply command_executor::run(const protocol::cmd::add_network_input& c) {
  const std::uint32_t latency = c.latency_ms.value_or(options_.engine.default_latency_ms);
  return add_input(std::make_shared<mixer::input_channel>(c.name, options_.engine, latency), c.port);
}

command_executor::reply command_executor::run(const protocol::cmd::add_tone_input& c) {
  if (c.hz >= options_.engine.rate / 2.0) {
    return failure{code::bad_request, "frequency must be below half the rate (" + number(options_.engine.rate / 2.0) + " Hz)"};
  }
  return add_input(std::make_shared<mixer::input_channel>(c.name, options_.engine, c.hz, c.dbfs), std::nullopt);
}

command_executor::reply command_executor::run(const protocol::cmd::add_file_input& c) {
  if (matrix_.find(c.name)) return failure{code::conflict, "name " + c.name + " exists"};
  auto input = std::make_shared<mixer::input_channel>(c.name, options_.engine, options_.engine.default_latency_ms,
                                                      mixer::input_kind::file);
  if (auto started = audio_.play_file(input, c.path, c.loop); !started) return started.error();
  auto r = add_input(std::move(input), std::nullopt);
  if (!r) audio_.forget(c.name);
  return r;
}

command_executor::reply command_executor::run(const protocol::cmd::remove_input& c) {
  return remove_channel(c.name, mixer::channel_kind::input);
}

command_executor::reply command_executor::run(const protocol::cmd::add_mix& c) {
  auto r = changed(matrix_.add_mix(c.name));
  if (!r || !c.port) return r;
  auto opened = open_port(*c.port, matrix_.find(c.name));
  if (!opened) {
    changed(matrix_.remove(c.name, mixer::channel_kind::mix));
    return opened.error();
  }
  ports_[c.name] = std::move(opened.value());
  return r;
}

command_executor::reply command_executor::run(const protocol::cmd::remove_mix& c) {
  return remove_channel(c.name, mixer::channel_kind::mix);
}

command_executor::reply command_executor::run(const protocol::cmd::switch_mix& c) {
  return changed(matrix_.set_on(c.name, c.on));
}

command_executor::reply command_executor::run(const protocol::cmd::route& c) {
  return changed(matrix_.route(c.mix, c.source, c.gain_db));
}

command_executor::reply command_executor::run(const protocol::cmd::unroute& c) {
  return changed(matrix_.unroute(c.mix, c.source));
}

command_executor::reply command_executor::run(const protocol::cmd::gain& c) {
  if (c.source) return changed(matrix_.set_gain(c.mix, *c.source, c.db));
  return changed(matrix_.set_master(c.mix, c.db));
}

command_executor::reply command_executor::run(const protocol::cmd::mute& c) {
  return changed(matrix_.set_muted(c.mix, c.source, c.muted));
}

command_executor::reply command_executor::run(const protocol::cmd::kamaelia_switch& c) {
  using action = protocol::cmd::kamaelia_switch::action;
  const mixer::mix_state* mix = matrix_.find_mix(c.mix);
  if (!mix) return failure{code::not_found, "no such mix " + c.mix};
  if (c.source && !matrix_.find(*c.source)) return failure{code::not_found, "no such channel " + *c.source};
  // Switching on a source that is not routed yet routes it at 0 dB: Kamaelia's crosspoints always existed.
  if (c.source && c.what != action::off && !mix->find(*c.source)) {
    if (auto e = matrix_.route(c.mix, *c.source, 0.0)) return to_failure(*e);
  }
  std::vector<std::pair<std::string, bool>> mutes;
  for (const auto& x : mix->routes) {
    const bool chosen = !c.source || x.source->name() == *c.source;
    mutes.emplace_back(x.source->name(), chosen ? c.what == action::off : (c.what == action::only || x.muted));
  }
  for (const auto& [source, muted] : mutes) matrix_.set_muted(c.mix, source, muted);
  return changed(std::nullopt);
}

command_executor::reply command_executor::run(const protocol::cmd::kamaelia_query& c) {
  const mixer::mix_state* mix = matrix_.find_mix(c.mix);
  if (!mix) return failure{code::not_found, "no such mix " + c.mix};
  if (c.source) {
    if (!matrix_.find(*c.source)) return failure{code::not_found, "no such channel " + *c.source};
    const auto* x = mix->find(*c.source);
    return std::string(x && !x->muted ? "ON\n" : "OFF\n");
  }
  std::string words;
  for (const auto& x : mix->routes) words += (words.empty() ? "" : " ") + std::string(x.muted ? "OFF" : "ON");
  return words + "\n";
}

namespace {
std::string meter_line(const mixer::channel& ch) {
  const auto r = ch.meter().read();
  return ch.name() + " peak=" + level(r.peak_db[0]) + "," + level(r.peak_db[1]) + " rms=" + level(r.rms_db[0]) + "," +
         level(r.rms_db[1]) + " clips=" + std::to_string(ch.counters().clips.load());
}
}  // namespace

std::vector<std::string> command_executor::meter_lines() const {
  std::vector<std::string> lines;
  for (const std::string& name : matrix_.names()) lines.push_back(meter_line(*matrix_.find(name)));
  return lines;
}

command_executor::reply command_executor::run(const protocol::cmd::meters& c) {
  const std::vector<std::string> names = c.names.empty() ? matrix_.names() : c.names;
  std::string lines;
  for (const std::string& name : names) {
    const auto ch = matrix_.find(name);
    if (!ch) return failure{code::not_found, "no such channel " + name};
    lines += meter_line(*ch) + "\n";
  }
  return lines;
}

command_executor::reply command_executor::run(const protocol::cmd::stats&) {
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_);
  char load[32];
  std::snprintf(load, sizeof load, "%.1f", clock_.load_permille() / 10.0);
  std::string lines = "server uptime_s=" + std::to_string(uptime.count()) + " blocks=" + std::to_string(engine_.blocks()) +
                      " late_ticks=" + std::to_string(clock_.late_ticks()) + " load_pct=" + load +
                      " kernels=" + mixer::kernels().name + " rate=" + std::to_string(options_.engine.rate) +
                      " block=" + std::to_string(options_.engine.block_frames) +
                      " channels=" + std::to_string(matrix_.size()) + "\n";
  for (const std::string& name : matrix_.names()) {
    const auto ch = matrix_.find(name);
    const auto& n = ch->counters();
    lines += "channel " + name + " kind=" + (ch->kind() == mixer::channel_kind::mix ? "mix" : "input") +
             " frames=" + std::to_string(n.frames.load()) + " bytes=" + std::to_string(n.bytes_in.load()) +
             " underruns=" + std::to_string(n.underruns.load()) + " overruns=" + std::to_string(n.overruns.load()) +
             " drops=" + std::to_string(n.dropped_blocks.load()) + " clips=" + std::to_string(n.clips.load()) +
             " listeners=" + std::to_string(n.listeners.load()) + "\n";
  }
  return lines;
}

command_executor::reply command_executor::run(const protocol::cmd::record& c) {
  auto ch = matrix_.find(c.name);
  if (!ch) return failure{code::not_found, "no such channel " + c.name};
  return audio_.record(std::move(ch), c.path);
}

// From scene files (--load, load): the sound device is waited for. Control clients get these
// through the asynchronous execute().
command_executor::reply command_executor::run(const protocol::cmd::play& c) { return on_device_now(c); }
command_executor::reply command_executor::run(const protocol::cmd::devices& c) { return on_device_now(c); }
command_executor::reply command_executor::run(const protocol::cmd::stop& c) { return on_device_now(c); }

command_executor::reply command_executor::run(const protocol::cmd::save& c) {
  const std::string path = c.path.empty() ? options_.state_file.value_or("") : c.path;
  if (path.empty()) return failure{code::bad_request, "no PATH given and no --state file"};
  if (auto error = write_atomically(path, scene_text())) return failure{code::internal, *error};
  return std::string{};
}

command_executor::reply command_executor::run(const protocol::cmd::load& c) {
  if (load_depth_ >= 8) return failure{code::bad_request, "load nested too deeply"};
  ++load_depth_;
  auto error = run_file(c.path);
  --load_depth_;
  if (error) return *error;
  return std::string{};
}

command_executor::reply command_executor::run(const protocol::cmd::begin_salvo&) {
  return failure{code::bad_request, "salvos need a control connection"};
}
command_executor::reply command_executor::run(const protocol::cmd::commit_salvo&) {
  return failure{code::bad_request, "salvos need a control connection"};
}
command_executor::reply command_executor::run(const protocol::cmd::abort_salvo&) {
  return failure{code::bad_request, "salvos need a control connection"};
}

command_executor::reply command_executor::run(const protocol::cmd::watch&) {
  return failure{code::bad_request, "watch belongs to a control connection"};
}

command_executor::reply command_executor::run(const protocol::cmd::unwatch&) {
  return failure{code::bad_request, "unwatch belongs to a control connection"};
}

command_executor::reply command_executor::run(const protocol::cmd::auth&) {
  return failure{code::bad_request, "auth belongs to a control connection"};
}

command_executor::reply command_executor::run(const protocol::cmd::ping&) { return std::string{}; }
command_executor::reply command_executor::run(const protocol::cmd::quit&) { return std::string{}; }

}  // namespace mixmatrix::server
