#pragma once

#include <memory>

#include "mixer/channel.hpp"
#include "protocol/stream_format.hpp"
#include "server/net/accept_loop.hpp"
#include "server/net/audio_sessions.hpp"

namespace mixmatrix::server {

/// A channel's own TCP port, with no handshake: on an input's port one connection at a time
/// sends headerless PCM (nc, ffmpeg, gst-launch); on a mix's port every connection receives it;
/// both in the port's one format.
class raw_port {
 public:
  /// Binds `endpoint` for `ch`, whose connections carry `format`; throws
  /// boost::system::system_error when the port is taken.
  raw_port(asio::io_context& io, const tcp::endpoint& endpoint, std::shared_ptr<mixer::channel> ch,
           const protocol::stream_format& format, audio_sessions& sessions);
  raw_port(const raw_port&) = delete;
  raw_port& operator=(const raw_port&) = delete;
  ~raw_port();

  /// The port number.
  unsigned short port() const { return acceptor_->local_endpoint().port(); }

 private:
  void on_accept(tcp::socket socket);

  std::shared_ptr<mixer::channel> channel_;
  protocol::stream_format format_;
  audio_sessions& sessions_;
  std::shared_ptr<accept_loop> acceptor_;
};

}  // namespace mixmatrix::server
