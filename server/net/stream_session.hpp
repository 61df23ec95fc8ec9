#pragma once

#include <array>
#include <memory>
#include <string>

#include "server/asio.hpp"
#include "server/net/audio_sessions.hpp"
#include "protocol/line_reader.hpp"
#include "server/control/channel_directory.hpp"
#include "server/server_options.hpp"

namespace mixmatrix::server {

/// A connection on the stream port before its handshake: reads one line (`SEND NAME [FORMAT
/// RATE CHANNELS]` or `LISTEN NAME [FORMAT RATE CHANNELS]`, after `AUTH PASSWORD` when the server
/// has a password) within the handshake timeout, then hands the socket to a sender or listener
/// session in that format, or replies `ERR ...` and closes.
class stream_session : public std::enable_shared_from_this<stream_session> {
 public:
  /// Takes the socket.
  stream_session(tcp::socket socket, channel_directory& channels, audio_sessions& sessions,
                 const server_options& options);

  /// Arms the timeout and starts reading the handshake.
  void start();
  /// Closes the connection unless it was handed over; idempotent.
  void stop();

 private:
  void do_read();
  void handle(const std::string& line);
  void refuse(const protocol::failure& why);

  tcp::socket socket_;
  channel_directory& channels_;
  audio_sessions& sessions_;
  const server_options& options_;
  asio::steady_timer timeout_;
  std::string peer_;
  protocol::line_reader reader_;
  std::array<char, 4096> inbox_;
  std::string replies_;  // answers not sent yet: an AUTH's OK goes out with the handshake's reply
  bool authenticated_;
  bool done_ = false;
};

}  // namespace mixmatrix::server
