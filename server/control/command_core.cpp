#include "server/control/command_core.hpp"

#include "protocol/command_table.hpp"
#include "protocol/values.hpp"
#include "mixer/kernels.hpp"
#include "server/control/crosspoint_changes.hpp"
#include "server/control/reports.hpp"
#include "server/control/scene_text.hpp"
#include "server/log.hpp"

namespace mixmatrix::server {
namespace {
using protocol::code;
using protocol::failure;
namespace cmd = protocol::cmd;

command_result failed(code c, std::string text) { return command_result::failed({c, std::move(text)}); }
}  // namespace

command_core::command_core(mixer::engine& engine, const engine_thread& clock, command_services services,
                           const server_options& options)
    : engine_(engine), clock_(clock), services_(std::move(services)), options_(options), matrix_(options.engine) {
  services_.store.set_scene([this] { return scene(); });
  publish_plan();
}

void command_core::execute(const protocol::command& command, const std::string& line, client& from,
                           done_handler done) {
  const auto& traits = protocol::traits_of(command);
  if (from.what == client::kind::connection && !from.authenticated && !traits.before_auth) {
    return done(failed(code::unauthorized, "authentication required (auth PASSWORD)"));
  }
  if (from.salvo && traits.changes_scene) return done(queue_in_salvo(command, line, from));
  // Changes by a connection are saved and announced here, and nowhere else; a scene file's lines
  // are saved once, with the `load` that ran them.
  // A change's answer waits for a state file that holds it to be durable (group commit).
  auto finish = [this, done = std::move(done), announce = traits.changes_scene && from.what == client::kind::connection,
                 is_load = std::holds_alternative<cmd::load>(command), line, origin = from.origin](command_result r) {
    if (announce && r.ok()) services_.events.publish("changed " + line + " (by " + origin + ")");
    // A failed load may have applied its first lines: the state file follows the scene either way.
    if (announce && (r.ok() || is_load)) r.saved = services_.store.persist();
    done(std::move(r));
  };
  std::visit(
      [&](const auto& c) {
        if constexpr (requires { this->run(c); }) {
          finish(this->run(c));
        } else if constexpr (requires { this->run(c, from); }) {
          finish(this->run(c, from));
        } else if constexpr (requires { this->run(c, from, finish); }) {
          this->run(c, from, std::move(finish));
        } else {
          finish(change_crosspoints(command));
        }
      },
      command);
}

command_result command_core::change_crosspoints(const protocol::command& c) {
  if (auto error = apply_crosspoint_change(matrix_, c)) return command_result::failed(*error);
  publish_plan();
  return command_result::done();
}

command_result command_core::queue_in_salvo(const protocol::command& c, const std::string& line, client& from) {
  const std::size_t position = ++from.salvo_changes_sent;
  if (!protocol::traits_of(c).in_salvo) return failed(code::bad_request, "not allowed in a salvo");
  from.salvo->push_back({line, c, position});
  if (auto error = apply_salvo(*from.salvo, true)) {
    from.salvo->pop_back();
    return command_result::failed(*error);
  }
  return command_result::done("queued");
}

std::optional<failure> command_core::apply_salvo(const std::vector<salvo_change>& changes, bool dry_run) {
  // A salvo is applied to a scratch copy and published once: one plan, one block boundary.
  mixer::matrix scratch = matrix_;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (auto error = apply_crosspoint_change(scratch, changes[i].command)) {
      return failure{error->code, "salvo change " + std::to_string(changes[i].position) + " (" +
                                      changes[i].line + ") does not apply: " + error->text};
    }
  }
  if (dry_run) return std::nullopt;
  matrix_ = std::move(scratch);
  publish_plan();
  return std::nullopt;
}

command_result command_core::run(const cmd::auth& c, client& from) {
  if (from.what == client::kind::script) return failed(code::bad_request, "auth belongs to a control connection");
  if (!options_.password) return command_result::done("no password needed");
  if (protocol::equals_constant_time(c.password, *options_.password)) {
    from.authenticated = true;
    return command_result::done("authenticated");
  }
  log(log_level::warn, "control client " + from.origin + ": wrong password");
  // A pause before the answer, with nothing else read meanwhile, makes guessing slow.
  auto r = failed(code::unauthorized, "authentication failed");
  r.delay = std::chrono::seconds(1);
  return r;
}

command_result command_core::run(const cmd::watch& c, client& from) {
  if (from.what == client::kind::script) return failed(code::bad_request, "watch belongs to a control connection");
  services_.events.watch(from.sink, c.meters);
  return command_result::done(c.meters ? "watching, with meters" : "watching");
}

command_result command_core::run(const cmd::unwatch&, client& from) {
  if (from.what == client::kind::script) return failed(code::bad_request, "unwatch belongs to a control connection");
  services_.events.unwatch(from.sink.lock().get());
  return command_result::done();
}

command_result command_core::run(const cmd::begin_salvo&, client& from) {
  if (from.what == client::kind::script) return failed(code::bad_request, "salvos need a control connection");
  if (from.salvo) return failed(code::conflict, "salvo already begun");
  from.salvo.emplace();
  from.salvo_changes_sent = 0;
  return command_result::done();
}

command_result command_core::run(const cmd::commit_salvo&, client& from) {
  if (from.what == client::kind::script) return failed(code::bad_request, "salvos need a control connection");
  if (!from.salvo) return failed(code::conflict, "no salvo begun");
  const auto changes = std::move(*from.salvo);
  from.salvo.reset();
  if (auto error = apply_salvo(changes, false)) return command_result::failed(*error);
  for (const auto& change : changes) {
    services_.events.publish("changed " + change.line + " (by " + from.origin + ", salvo)");
  }
  auto r = command_result::done("committed " + std::to_string(changes.size()));
  r.saved = services_.store.persist();
  return r;
}

command_result command_core::run(const cmd::abort_salvo&, client& from) {
  if (from.what == client::kind::script) return failed(code::bad_request, "salvos need a control connection");
  if (!from.salvo) return failed(code::conflict, "no salvo begun");
  from.salvo.reset();
  return command_result::done("aborted");
}

command_result command_core::run(const cmd::ping&) const { return command_result::done("pong"); }

command_result command_core::run(const cmd::quit&) const {
  auto r = command_result::done("bye");
  r.close = true;
  return r;
}

protocol::result<std::shared_ptr<mixer::input_channel>> command_core::input_for_sender(const std::string& name) {
  if (auto input = matrix_.find_input(name)) return input;
  if (matrix_.find(name)) return failure{code::conflict, name + " is a mix, not an input"};
  auto r = add_input(
      std::make_shared<mixer::input_channel>(name, options_.engine, options_.engine.default_latency_ms), {});
  if (!r.ok()) return *r.error;
  log(log_level::info, "input " + name + " created by SEND");
  services_.events.publish("changed input add " + name + " (by SEND)");
  persist();
  return matrix_.find_input(name);
}

protocol::result<std::shared_ptr<mixer::channel>> command_core::channel_for_listener(const std::string& name) {
  if (auto ch = matrix_.find(name)) return ch;
  return failure{code::not_found, "no such channel " + name};
}

std::string command_core::scene() const {
  return scene_text(matrix_, services_.transports(), services_.audio, options_.engine.default_latency_ms);
}

void command_core::persist() const { services_.store.persist(); }

void command_core::housekeep() {
  if (matrix_.has_fades()) publish_plan();
  engine_.plans().collect();
  if (services_.events.meters_wanted()) services_.events.publish_meters(meters());
}

void command_core::publish_plan() { engine_.plans().publish(matrix_.compile()); }

}  // namespace mixmatrix::server
