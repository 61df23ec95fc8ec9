#include "server/net/http/http_server.hpp"

#include "server/log.hpp"
#include "server/net/endpoint.hpp"
#include "server/net/http/http_session.hpp"
#include "server/net/http/web_session.hpp"

namespace mixmatrix::server {

http_server::http_server(asio::io_context& io, web_context context)
    : context_(std::move(context)),
      acceptor_(listen_for(io, *context_.options.http, "--http",
                           [this](tcp::socket s) { on_accept(std::move(s)); })) {}

void http_server::stop() {
  acceptor_->stop();
  for (auto& weak : sessions_) {
    if (auto s = weak.lock()) s->stop();
  }
  for (auto& weak : context_.websockets) {
    if (auto s = weak.lock()) s->stop();
  }
  sessions_.clear();
  context_.websockets.clear();
}

void http_server::on_accept(tcp::socket socket) {
  std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
  std::erase_if(context_.websockets, [](const auto& weak) { return weak.expired(); });
  if (sessions_.size() + context_.websockets.size() >= context_.options.max_http_clients) {
    log(log_level::warn, "web client " + peer_name(socket) + " refused: " +
                             std::to_string(context_.options.max_http_clients) + " web clients connected");
    // A short blocking write to a fresh socket: the kernel buffer takes it at once.
    static constexpr std::string_view refusal =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 20\r\nConnection: close\r\n\r\n"
        "too many web clients";
    error_code ignored;
    asio::write(socket, asio::buffer(refusal), ignored);
    socket.close(ignored);
    return;
  }
  auto session = std::make_shared<http_session>(std::move(socket), context_);
  sessions_.push_back(session);
  session->start();
}

}  // namespace mixmatrix::server
