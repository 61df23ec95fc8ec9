#pragma once

#include <memory>
#include <vector>

#include "server/net/accept_loop.hpp"
#include "server/net/audio_sessions.hpp"
#include "server/control/channel_directory.hpp"
#include "server/net/stream_session.hpp"

namespace mixmatrix::server {

/// The stream port: every connection starts with a handshake (stream_session).
class stream_server {
 public:
  /// Binds options.stream; throws boost::system::system_error when it cannot.
  stream_server(asio::io_context& io, channel_directory& channels, audio_sessions& sessions,
                const server_options& options);

  /// Starts accepting.
  void start() { acceptor_->start(); }
  /// Closes the port and every connection still in its handshake.
  void stop();
  /// The bound address.
  tcp::endpoint local_endpoint() const { return acceptor_->local_endpoint(); }

 private:
  channel_directory& channels_;
  audio_sessions& sessions_;
  const server_options& options_;
  std::vector<std::weak_ptr<stream_session>> pending_;
  std::shared_ptr<accept_loop> acceptor_;
};

}  // namespace mixmatrix::server
