#include "server/net/http/web_session.hpp"

#include <nlohmann/json.hpp>

#include "mixer/block_cursor.hpp"
#include "protocol/command_parser.hpp"
#include "protocol/words.hpp"
#include "server/log.hpp"
#include "server/net/endpoint.hpp"
#include "server/net/http/scene_json.hpp"
#include "server/net/http/web_message.hpp"

namespace mixmatrix::server {
namespace {
using json = nlohmann::json;

// Unsent bytes past which meters and monitored PCM are dropped: a slow page must not grow memory.
constexpr std::size_t max_outbox = 1 << 20;

// Reads a monitored channel's blocks once per engine block and hands them to its page.
class web_monitor : public pumped_session {
 public:
  web_monitor(std::shared_ptr<mixer::channel> ch, std::weak_ptr<web_session> page)
      : channel_(std::move(ch)), page_(std::move(page)), cursor_(channel_->output()),
        block_(channel_->output().block_bytes()) {}
  void pump() override {
    auto page = page_.lock();
    if (!page || stopped_) return stop();
    std::string pcm;
    while (cursor_.read(std::as_writable_bytes(std::span(block_)))) {
      pcm.append(reinterpret_cast<const char*>(block_.data()), block_.size());
    }
    if (!pcm.empty()) page->send_pcm(std::move(pcm));
  }
  void stop() override { stopped_ = true; }
  bool stopped() const override { return stopped_; }
  const mixer::channel* channel() const override { return channel_.get(); }

 private:
  std::shared_ptr<mixer::channel> channel_;
  std::weak_ptr<web_session> page_;
  mixer::block_cursor cursor_;
  std::vector<std::byte> block_;
  bool stopped_ = false;
};
}  // namespace

web_session::web_session(tcp::socket socket, command_core& core, event_bus& events, block_pump& pump,
                         const server_options& options)
    : ws_(std::move(socket)), core_(core), events_(events), pump_(pump), options_(options) {
  client_.origin = peer_name(beast::get_lowest_layer(ws_).socket()) + " (web)";
  client_.authenticated = true;  // the HTTP upgrade carried the session cookie
}

void web_session::start(http::request<http::string_body> request) {
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.read_message_max(options_.max_request);
  beast::get_lowest_layer(ws_).expires_never();
  ws_.async_accept(request, [self = shared_from_this()](const beast::error_code& ec) {
    if (ec) return self->stop();
    self->client_.sink = self->weak_from_this();
    self->events_.watch(self->weak_from_this(), true);
    self->send(json{{"hello", {{"version", MIXMATRIX_VERSION}, {"rate", self->options_.engine.rate}}}}.dump(), false,
               false);
    log(log_level::debug, "web client " + self->client_.origin + " connected");
    self->do_read();
  });
}

void web_session::do_read() {
  if (stopped_) return;
  ws_.async_read(inbox_, [self = shared_from_this()](const beast::error_code& ec, std::size_t) {
    if (ec) return self->stop();
    self->on_message();
  });
}

void web_session::on_message() {
  const std::string text = beast::buffers_to_string(inbox_.data());
  inbox_.consume(inbox_.size());
  auto message = ws_.got_text() ? parse_web_message(text)
                                : protocol::result<web_message>(protocol::failure{
                                      protocol::code::bad_request, "expected a text message of JSON"});
  if (!message) {
    send(result_json(-1, command_result::failed(message.error())), false, false);
    if (++bad_messages_ >= options_.max_bad_lines) return stop();
    return do_read();
  }
  bad_messages_ = 0;
  if (const auto* m = std::get_if<web_monitor_request>(&message.value())) {
    monitor(m->name);
    return do_read();
  }
  const auto& c = std::get<web_command>(message.value());
  run_command(c.id, c.line);
}

void web_session::run_command(long long id, const std::string& line) {
  auto words = protocol::split_words(line);
  auto command = words ? protocol::parse_command(words.value()) : protocol::result<protocol::command>(words.error());
  if (line.size() > options_.max_line) command = protocol::failure{protocol::code::bad_request, "line too long"};
  if (!command) {
    send(result_json(id, command_result::failed(command.error())), false, false);
    return do_read();
  }
  core_.execute(command.value(), line, client_, [self = shared_from_this(), id](command_result r) {
    if (r.saved) {
      r.saved->then([self, id, r](const std::optional<std::string>& error) {
        self->send(result_json(id, r.with_save_outcome(error)), false, false);
      });
    } else {
      self->send(result_json(id, r), false, false);
    }
    if (r.close) return self->stop();
    self->do_read();
  });
}

void web_session::monitor(const std::string& name) {
  if (monitor_) monitor_->stop();
  monitor_.reset();
  if (name.empty()) return;
  auto ch = core_.channel_for_listener(name);
  if (!ch) {
    const std::string status = "ERR " + std::to_string(static_cast<int>(ch.error().code)) + " " + ch.error().text;
    return send(json{{"monitor", name}, {"ok", false}, {"status", status}}.dump(), false, false);
  }
  monitor_ = std::make_shared<web_monitor>(ch.value(), weak_from_this());
  pump_.add(monitor_);
  send(json{{"monitor", name}, {"ok", true}, {"status", "OK"}}.dump(), false, false);
}

void web_session::on_event(const std::string& text) { send(event_json(text), false, false); }

void web_session::on_meters(std::span<const channel_meters> readings) { send(meters_json(readings), false, true); }

void web_session::send_pcm(std::string pcm) { send(std::move(pcm), true, true); }

void web_session::send(std::string message, bool binary, bool droppable) {
  if (stopped_ || (droppable && outbox_bytes_ > max_outbox)) return;
  outbox_bytes_ += message.size();
  outbox_.push_back({std::move(message), binary});
  if (!writing_) do_write();
}

void web_session::do_write() {
  if (stopped_ || outbox_.empty()) return;
  writing_ = true;
  ws_.binary(outbox_.front().binary);
  ws_.async_write(asio::buffer(outbox_.front().bytes), [self = shared_from_this()](const beast::error_code& ec,
                                                                                   std::size_t) {
    self->writing_ = false;
    if (ec) return self->stop();
    self->outbox_bytes_ -= self->outbox_.front().bytes.size();
    self->outbox_.pop_front();
    self->do_write();
  });
}

void web_session::stop() {
  if (stopped_) return;
  stopped_ = true;
  events_.unwatch(this);
  if (monitor_) monitor_->stop();
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
  log(log_level::debug, "web client " + client_.origin + " disconnected");
}

}  // namespace mixmatrix::server
