#include "server/control_session.hpp"

#include "protocol/command_parser.hpp"
#include "protocol/reply.hpp"
#include "protocol/values.hpp"
#include "protocol/words.hpp"
#include "server/endpoint.hpp"
#include "server/log.hpp"

namespace mixmatrix::server {
namespace {
// Past this many unsent reply bytes we stop reading commands until the client reads its replies.
constexpr std::size_t max_outbox = 256 * 1024;
}  // namespace

control_session::control_session(tcp::socket socket, command_executor& executor, event_bus& events,
                                 const server_options& options)
    : socket_(std::move(socket)),
      executor_(executor),
      events_(events),
      options_(options),
      peer_(peer_name(socket_)),
      reader_(options.max_line),
      auth_delay_(socket_.get_executor()),
      authenticated_(!options.password) {}

void control_session::start() {
  log(log_level::debug, "control client " + peer_ + " connected");
  send(protocol::greeting_line(MIXMATRIX_VERSION));
  do_read();
}

void control_session::stop() {
  if (stopped_) return;
  stopped_ = true;
  events_.unwatch(this);
  auth_delay_.cancel();
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  log(log_level::debug, "control client " + peer_ + " disconnected");
}

void control_session::send(const std::string& text) {
  if (stopped_) return;
  outbox_ += text;
  if (writing_.empty()) do_write();
}

void control_session::on_event(const std::string& text) {
  // A watcher that does not read its events is not worth unbounded memory: past the limit they go.
  if (outbox_.size() < max_outbox) send(protocol::event_line(text));
}

void control_session::do_read() {
  if (stopped_ || closing_ || reading_) return;
  reading_ = true;
  socket_.async_read_some(asio::buffer(inbox_), [self = shared_from_this()](const error_code& ec, std::size_t n) {
    self->reading_ = false;
    if (ec) {
      self->stop();
      return;
    }
    self->reader_.append(std::string_view(self->inbox_.data(), n));
    self->process_lines();
  });
}

void control_session::process_lines() {
  while (!closing_ && !stopped_ && !delayed_) {
    auto line = reader_.next();
    if (!line) break;
    handle(*line);
  }
  if (!delayed_ && outbox_.size() + writing_.size() < max_outbox) do_read();
}

void control_session::do_write() {
  if (stopped_) return;
  if (outbox_.empty()) {
    if (closing_) stop();
    return;
  }
  writing_.swap(outbox_);
  asio::async_write(socket_, asio::buffer(writing_), [self = shared_from_this()](const error_code& ec, std::size_t) {
    self->writing_.clear();
    if (ec) {
      self->stop();
      return;
    }
    self->do_write();
    if (self->outbox_.size() < max_outbox && !self->delayed_) self->do_read();
  });
}

void control_session::handle(const protocol::line& line) {
  if (!line.too_long && line.text.find_first_not_of(" \t") == std::string::npos) return;
  std::optional<protocol::failure> bad;
  std::string reply;
  if (line.too_long) {
    bad = protocol::failure{protocol::code::bad_request, "line too long"};
  } else if (auto words = protocol::split_words(line.text); !words) {
    bad = words.error();
  } else if (auto command = protocol::parse_command(words.value()); !command) {
    bad = command.error();
  } else {
    bad_lines_ = 0;
    run(line.text, command.value());
    return;
  }
  send(protocol::err_line(*bad));
  if (++bad_lines_ >= options_.max_bad_lines) {
    log(log_level::warn, "control client " + peer_ + " sent " + std::to_string(bad_lines_) + " bad lines; disconnected");
    send(protocol::err_line({protocol::code::bad_request, "too many bad lines, closing"}));
    closing_ = true;
  }
}

}  // namespace mixmatrix::server

namespace mixmatrix::server {

void control_session::authenticate(const std::string& password) {
  using namespace protocol;
  if (!options_.password) return send(ok_line("no password needed"));
  if (equals_constant_time(password, *options_.password)) {
    authenticated_ = true;
    return send(ok_line("authenticated"));
  }
  log(log_level::warn, "control client " + peer_ + ": wrong password");
  // A pause before the answer, with nothing else read meanwhile, makes guessing slow.
  delayed_ = true;
  auth_delay_.expires_after(std::chrono::seconds(1));
  auth_delay_.async_wait([self = shared_from_this()](const error_code& ec) {
    if (ec || self->stopped_) return;
    self->delayed_ = false;
    self->send(err_line({code::unauthorized, "authentication failed"}));
    self->process_lines();
  });
}

void control_session::run(const std::string& line, const protocol::command& command) {
  using namespace protocol;
  if (const auto* auth = std::get_if<cmd::auth>(&command)) return authenticate(auth->password);
  if (!authenticated_ && !std::holds_alternative<cmd::help>(command) && !std::holds_alternative<cmd::quit>(command)) {
    return send(err_line({code::unauthorized, "authentication required (auth PASSWORD)"}));
  }
  const auto conflict = [](const char* text) { return err_line({code::conflict, text}); };
  if (std::holds_alternative<cmd::begin_salvo>(command)) {
    if (salvo_) return send(conflict("salvo already begun"));
    salvo_.emplace();
    return send(ok_line());
  }
  if (std::holds_alternative<cmd::commit_salvo>(command) || std::holds_alternative<cmd::abort_salvo>(command)) {
    if (!salvo_) return send(conflict("no salvo begun"));
    auto changes = std::move(*salvo_);
    salvo_.reset();
    if (std::holds_alternative<cmd::abort_salvo>(command)) return send(ok_line("aborted"));
    if (auto error = executor_.apply_salvo(changes, false)) return send(err_line(*error));
    send(ok_line("committed " + std::to_string(changes.size())));
    for (const auto& change : changes) events_.publish("changed " + change.line + " (by " + peer_ + ", salvo)");
    return;
  }
  if (salvo_ && changes_scene(command)) {
    if (!allowed_in_salvo(command)) return send(err_line({code::bad_request, "not allowed in a salvo"}));
    salvo_->push_back({line, command});
    if (auto error = executor_.apply_salvo(*salvo_, true)) {
      salvo_->pop_back();
      return send(err_line(*error));
    }
    return send(ok_line("queued"));
  }
  if (const auto* watch = std::get_if<cmd::watch>(&command)) {
    wants_meters_ = watch->meters;
    events_.watch(shared_from_this());
    return send(ok_line(watch->meters ? "watching, with meters" : "watching"));
  }
  if (std::holds_alternative<cmd::unwatch>(command)) {
    wants_meters_ = false;
    events_.unwatch(this);
    return send(ok_line());
  }
  if (uses_sound_device(command)) {
    // The device thread answers later; nothing else from this client is read meanwhile, so its
    // replies stay in order.
    delayed_ = true;
    executor_.execute(command, [self = shared_from_this()](const std::string& reply) {
      if (self->stopped_) return;
      self->delayed_ = false;
      self->send(reply);
      self->process_lines();
    });
    return;
  }
  const std::string reply = executor_.execute(command);
  send(reply);
  if (changes_scene(command) && reply.starts_with("OK")) events_.publish("changed " + line + " (by " + peer_ + ")");
  if (std::holds_alternative<cmd::quit>(command)) closing_ = true;
}

}  // namespace mixmatrix::server
