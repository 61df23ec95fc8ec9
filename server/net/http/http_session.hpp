#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server/net/http/beast.hpp"
#include "server/net/http/web_context.hpp"

namespace mixmatrix::server {

/// One HTTP connection: reads requests (each within the header timeout, at most max_request
/// bytes; keep-alive up to the idle timeout) and answers them: the page and its files, the scene
/// as JSON, the login; hands the socket over for a WebSocket (`/ws`) or an endless WAV stream
/// (`/stream/NAME.wav`). With a password, everything but the login needs the session cookie,
/// and a WebSocket must come from the page's own origin.
class http_session : public std::enable_shared_from_this<http_session> {
 public:
  /// Takes the socket.
  http_session(tcp::socket socket, web_context& context);

  /// Starts reading the first request.
  void start();
  /// Closes the connection unless it was handed over; idempotent.
  void stop();

 private:
  using request = http::request<http::string_body>;
  using response = http::response<http::string_body>;

  void do_read(std::chrono::milliseconds timeout);
  void handle(request req);
  void login(const request& req);
  bool upgrade_to_websocket(request& req);
  bool stream_wav(const request& req, const std::string& target);
  void serve_asset(const request& req, const std::string& path);
  void reply(response res);
  response page(const request& req, http::status status, std::string_view type, std::string body) const;

  beast::tcp_stream stream_;
  web_context& context_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<response> writing_;
  asio::steady_timer delay_;
  bool handed_over_ = false;
};

}  // namespace mixmatrix::server
