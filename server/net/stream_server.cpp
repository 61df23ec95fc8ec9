#include "server/net/stream_server.hpp"

namespace mixmatrix::server {

stream_server::stream_server(asio::io_context& io, channel_directory& channels, audio_sessions& sessions,
                             const server_options& options)
    : channels_(channels),
      sessions_(sessions),
      options_(options),
      acceptor_(listen_for(io, options.stream, "--stream", [this](tcp::socket socket) {
        std::erase_if(pending_, [](const auto& weak) { return weak.expired(); });
        auto session = std::make_shared<stream_session>(std::move(socket), channels_, sessions_, options_);
        pending_.push_back(session);
        session->start();
      })) {}

void stream_server::stop() {
  acceptor_->stop();
  for (auto& weak : pending_) {
    if (auto s = weak.lock()) s->stop();
  }
  pending_.clear();
}

}  // namespace mixmatrix::server
