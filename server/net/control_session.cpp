#include "server/net/control_session.hpp"

#include "protocol/command_parser.hpp"
#include "protocol/reply.hpp"
#include "protocol/words.hpp"
#include "server/log.hpp"
#include "server/net/endpoint.hpp"
#include "server/net/telnet_text.hpp"

namespace mixmatrix::server {
namespace {
// Past this many unsent reply bytes we stop reading commands until the client reads its replies.
constexpr std::size_t max_outbox = 256 * 1024;
// Past this many answers waiting for the state file, we stop reading commands until some are out.
constexpr std::size_t max_pending_replies = 1024;
// Commands run from one client before the others (and the block pump) get the thread again.
constexpr int lines_per_turn = 16;
}  // namespace

control_session::control_session(tcp::socket socket, command_core& core, event_bus& events,
                                 const server_options& options)
    : socket_(std::move(socket)),
      core_(core),
      events_(events),
      options_(options),
      reader_(options.max_line),
      delay_(socket_.get_executor()) {
  client_.origin = peer_name(socket_);
  client_.authenticated = !options.password;
}

void control_session::start() {
  client_.sink = weak_from_this();
  log(log_level::debug, "control client " + client_.origin + " connected");
  send(protocol::greeting_line(MIXMATRIX_VERSION));
  do_read();
}

void control_session::stop() {
  if (stopped_) return;
  stopped_ = true;
  events_.unwatch(this);
  delay_.cancel();
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  log(log_level::debug, "control client " + client_.origin + " disconnected");
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

void control_session::on_meters(std::span<const channel_meters> readings) {
  if (outbox_.size() < max_outbox) send(telnet_meter_events(readings));
}

void control_session::do_read() {
  if (stopped_ || closing_ || reading_ || waiting_) return;
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
  processing_ = true;
  for (int handled = 0; !closing_ && !stopped_ && !waiting_ && replies_.size() < max_pending_replies; ++handled) {
    if (handled == lines_per_turn) {
      // A client that pipelines thousands of commands gets a turn, not the thread: the block
      // pump and the other sessions run between its turns.
      processing_ = false;
      asio::post(socket_.get_executor(), [self = shared_from_this()] {
        if (!self->processing_) self->process_lines();
      });
      return;
    }
    auto line = reader_.next();
    if (!line) break;
    handle(*line);
  }
  processing_ = false;
  if (outbox_.size() + writing_.size() < max_outbox && replies_.size() < max_pending_replies) do_read();
}

void control_session::do_write() {
  if (stopped_) return;
  if (outbox_.empty()) {
    if (closing_ && replies_.empty()) stop();
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
    if (self->outbox_.size() < max_outbox) self->do_read();
  });
}

void control_session::handle(const protocol::line& line) {
  if (!line.too_long && line.text.find_first_not_of(" \t") == std::string::npos) return;
  std::optional<protocol::failure> bad;
  if (line.too_long) {
    bad = protocol::failure{protocol::code::bad_request, "line too long"};
  } else if (auto words = protocol::split_words(line.text); !words) {
    bad = words.error();
  } else if (auto command = protocol::parse_command(words.value()); !command) {
    bad = command.error();
  } else {
    bad_lines_ = 0;
    waiting_ = true;
    core_.execute(command.value(), line.text, client_, [self = shared_from_this()](command_result r) {
      self->answer(r);
    });
    return;
  }
  reply(protocol::err_line(*bad));
  if (++bad_lines_ >= options_.max_bad_lines) {
    log(log_level::warn, "control client " + client_.origin + " sent " + std::to_string(bad_lines_) +
                             " bad lines; disconnected");
    reply(protocol::err_line({protocol::code::bad_request, "too many bad lines, closing"}));
    closing_ = true;
  }
}

void control_session::reply(std::string text) {
  replies_.emplace_back();
  fill(first_reply_ + replies_.size() - 1, std::move(text));
}

void control_session::fill(std::uint64_t id, std::string text) {
  if (stopped_) return;
  replies_[id - first_reply_] = std::move(text);
  while (!replies_.empty() && replies_.front()) {
    send(*replies_.front());
    replies_.pop_front();
    ++first_reply_;
  }
  // Reading paused while too many answers waited for the disk: go on now there is room.
  if (!processing_ && !waiting_ && replies_.size() < max_pending_replies) process_lines();
}

void control_session::answer(const command_result& r) {
  if (stopped_) return;
  if (r.delay.count() > 0) {
    delay_.expires_after(r.delay);
    delay_.async_wait([self = shared_from_this(), r = command_result{r.error, r.status, r.data, {}, r.close, r.saved}](
                          const error_code& ec) {
      if (!ec) self->answer(r);
    });
    return;
  }
  if (r.close) closing_ = true;
  if (r.saved) {
    // Held in its place in the order until the state file holds the change.
    const std::uint64_t id = first_reply_ + replies_.size();
    replies_.emplace_back();
    r.saved->then([self = shared_from_this(), id, r](const std::optional<std::string>& error) {
      self->fill(id, telnet_text(r.with_save_outcome(error)));
    });
  } else {
    reply(telnet_text(r));
  }
  waiting_ = false;
  if (!processing_) process_lines();
}

}  // namespace mixmatrix::server
