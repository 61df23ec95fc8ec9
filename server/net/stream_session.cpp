#include "server/net/stream_session.hpp"

#include <utility>

#include "protocol/handshake.hpp"
#include "protocol/reply.hpp"
#include "protocol/stream_format.hpp"
#include "protocol/values.hpp"
#include "server/net/endpoint.hpp"
#include "server/log.hpp"

namespace mixmatrix::server {

stream_session::stream_session(tcp::socket socket, channel_directory& channels, audio_sessions& sessions,
                               const server_options& options)
    : socket_(std::move(socket)),
      channels_(channels),
      sessions_(sessions),
      options_(options),
      timeout_(socket_.get_executor()),
      peer_(peer_name(socket_)),
      reader_(options.max_line),
      authenticated_(!options.password) {}

void stream_session::start() {
  timeout_.expires_after(options_.handshake_timeout);
  timeout_.async_wait([self = shared_from_this()](const error_code& ec) {
    if (ec || self->done_) return;
    log(log_level::info, "stream client " + self->peer_ + " sent no handshake in time; closed");
    self->stop();
  });
  do_read();
}

void stream_session::stop() {
  if (done_ && !socket_.is_open()) return;
  done_ = true;
  timeout_.cancel();
  error_code ignored;
  socket_.close(ignored);
}

void stream_session::do_read() {
  socket_.async_read_some(asio::buffer(inbox_), [self = shared_from_this()](const error_code& ec, std::size_t n) {
    if (ec || self->done_) {
      self->stop();
      return;
    }
    self->reader_.append(std::string_view(self->inbox_.data(), n));
    while (auto line = self->reader_.next()) {
      if (line->too_long) return self->refuse({protocol::code::bad_request, "line too long"});
      self->handle(line->text);
      if (self->done_) return;
    }
    self->do_read();
  });
}

void stream_session::handle(const std::string& line) {
  auto handshake = protocol::parse_handshake(line);
  if (!handshake) return refuse(handshake.error());
  if (const auto* auth = std::get_if<protocol::auth_request>(&handshake.value())) {
    if (options_.password && !protocol::equals_constant_time(auth->password, *options_.password)) {
      log(log_level::warn, "stream client " + peer_ + ": wrong password");
      done_ = true;
      timeout_.expires_after(std::chrono::seconds(1));  // slow down guessing, then refuse
      timeout_.async_wait([self = shared_from_this()](const error_code& ec) {
        if (!ec) self->refuse({protocol::code::unauthorized, "authentication failed"});
      });
      return;
    }
    authenticated_ = true;
    replies_ += protocol::ok_line();
    return;
  }
  if (!authenticated_) return refuse({protocol::code::unauthorized, "authentication required (AUTH PASSWORD)"});
  done_ = true;
  timeout_.cancel();
  std::string leftover = reader_.take_rest();
  if (const auto* send = std::get_if<protocol::send_request>(&handshake.value())) {
    const auto format = send->format.value_or(sessions_.own_format());
    auto input = channels_.input_for_sender(send->name);
    if (!input) return refuse(input.error());
    if (auto why = sessions_.check_sender(*input.value())) return refuse(*why);
    sessions_.feed(std::move(socket_), input.value(), format, replies_ + protocol::ok_line(), std::move(leftover));
    return;
  }
  const auto& listen = std::get<protocol::listen_request>(handshake.value());
  const auto format = listen.format.value_or(sessions_.own_format());
  auto ch = channels_.channel_for_listener(listen.name);
  if (!ch) return refuse(ch.error());
  if (auto why = sessions_.check_listener(*ch.value())) return refuse(*why);
  sessions_.listen(std::move(socket_), ch.value(), format,
                   replies_ + protocol::ok_line(protocol::format_stream_format(format)));
}

void stream_session::refuse(const protocol::failure& why) {
  done_ = true;
  timeout_.cancel();
  log(log_level::info, "stream client " + peer_ + " refused: " + why.text);
  replies_ += protocol::err_line(why);
  asio::async_write(socket_, asio::buffer(replies_), [self = shared_from_this()](const error_code&, std::size_t) {
    error_code ignored;
    self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
    self->socket_.close(ignored);
  });
}

}  // namespace mixmatrix::server
