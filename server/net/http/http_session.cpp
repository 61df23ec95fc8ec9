#include "server/net/http/http_session.hpp"

#include "protocol/values.hpp"
#include "server/log.hpp"
#include "server/net/endpoint.hpp"
#include "server/net/http/page_assets.hpp"
#include "server/net/http/scene_json.hpp"
#include "server/net/http/web_session.hpp"

namespace mixmatrix::server {
namespace {

// A WAV header for an endless stream: the sizes say "as long as it goes" (0xFFFFFFFF), as
// Icecast-style WAV streams do; players read until the connection closes.
std::string endless_wav_header(std::uint32_t rate) {
  std::string h;
  const auto u32 = [&h](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) h += static_cast<char>((v >> (8 * i)) & 0xff);
  };
  const auto u16 = [&h](std::uint16_t v) {
    h += static_cast<char>(v & 0xff);
    h += static_cast<char>(v >> 8);
  };
  h += "RIFF";
  u32(0xffffffff);
  h += "WAVEfmt ";
  u32(16);
  u16(1);  // PCM
  u16(2);
  u32(rate);
  u32(rate * 4);
  u16(4);
  u16(16);
  h += "data";
  u32(0xffffffff);
  return h;
}

std::string header(const http::request<http::string_body>& req, http::field f) {
  const auto it = req.find(f);
  return it == req.end() ? std::string{} : std::string(it->value());
}

}  // namespace

http_session::http_session(tcp::socket socket, web_context& context)
    : stream_(std::move(socket)), context_(context), delay_(stream_.get_executor()) {}

void http_session::start() { do_read(context_.options.handshake_timeout); }

void http_session::stop() {
  if (handed_over_) return;
  delay_.cancel();
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
}

void http_session::do_read(std::chrono::milliseconds timeout) {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(context_.options.max_request));
  parser_->body_limit(context_.options.max_request);
  // The whole request must arrive within the timeout: a client that dribbles its header (slowloris)
  // is cut off like one that sends nothing.
  stream_.expires_after(timeout);
  http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec == http::error::header_limit || ec == http::error::body_limit) {
      auto res = self->page({}, http::status::payload_too_large, "text/plain", "request too large\n");
      res.keep_alive(false);
      return self->reply(std::move(res));
    }
    if (ec) return self->stop();
    self->handle(self->parser_->release());
  });
}

http_session::response http_session::page(const request& req, http::status status, std::string_view type,
                                          std::string body) const {
  response res{status, req.version() ? req.version() : 11};
  res.set(http::field::server, "mixmatrixd/" MIXMATRIX_VERSION);
  res.set(http::field::content_type, beast::string_view(type.data(), type.size()));
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

void http_session::handle(request req) {
  const std::string target(req.target());
  const std::string path = target.substr(0, target.find('?'));
  const bool get = req.method() == http::verb::get || req.method() == http::verb::head;
  if (path == "/login") {
    if (req.method() == http::verb::post) return login(req);
    return serve_asset(req, "/login.html");
  }
  if (get && path == "/style.css") return serve_asset(req, path);
  if (!context_.auth.admits(header(req, http::field::cookie))) {
    if (get && path == "/") {
      auto res = page(req, http::status::see_other, "text/plain", "log in first\n");
      res.set(http::field::location, "/login");
      return reply(std::move(res));
    }
    return reply(page(req, http::status::unauthorized, "text/plain", "log in first: /login\n"));
  }
  if (!get) return reply(page(req, http::status::method_not_allowed, "text/plain", "GET only here\n"));
  if (path == "/ws" && upgrade_to_websocket(req)) return;
  if (path.starts_with("/stream/") && path.ends_with(".wav") && stream_wav(req, path)) return;
  if (path == "/api/scene") {
    const auto channels = context_.core.reports();
    return reply(page(req, http::status::ok, "application/json", scene_json(channels, context_.options.engine)));
  }
  serve_asset(req, path == "/" ? "/index.html" : path);
}

void http_session::serve_asset(const request& req, const std::string& path) {
  if (const auto* asset = find_page_asset(path)) {
    return reply(page(req, http::status::ok, asset->type, std::string(asset->body)));
  }
  reply(page(req, http::status::not_found, "text/plain", "no such page: " + path + "\n"));
}

void http_session::login(const request& req) {
  const auto token = context_.auth.login(form_field(req.body(), "password"));
  if (token) {
    auto res = page(req, http::status::see_other, "text/plain", "logged in\n");
    res.set(http::field::location, "/");
    if (!token->empty()) res.set(http::field::set_cookie, web_auth::cookie_for(*token));
    return reply(std::move(res));
  }
  log(log_level::warn, "web client " + peer_name(stream_.socket()) + ": wrong password");
  // The same pause as the control port's, with nothing else read meanwhile.
  const auto* asset = find_page_asset("/login.html");
  std::string body = asset ? std::string(asset->body) : "<body>wrong password</body>";
  if (const auto at = body.find("<body"); at != std::string::npos) body.insert(at + 5, " data-failed=\"true\"");
  auto res = page(req, http::status::unauthorized, "text/html; charset=utf-8", std::move(body));
  delay_.expires_after(std::chrono::seconds(1));
  delay_.async_wait([self = shared_from_this(), res = std::move(res)](const error_code& ec) mutable {
    if (!ec) self->reply(std::move(res));
  });
}

bool http_session::upgrade_to_websocket(request& req) {
  if (!websocket::is_upgrade(req)) return false;
  // A page of another site must not drive this server through its visitors' browsers.
  const std::string origin = header(req, http::field::origin);
  if (!origin.empty() && origin != "http://" + header(req, http::field::host) &&
      origin != "https://" + header(req, http::field::host)) {
    log(log_level::warn, "web client " + peer_name(stream_.socket()) + ": WebSocket from origin " + origin + " refused");
    reply(page(req, http::status::forbidden, "text/plain", "cross-origin WebSocket refused\n"));
    return true;
  }
  handed_over_ = true;
  stream_.expires_never();
  auto ws = std::make_shared<web_session>(stream_.release_socket(), context_.core, context_.events, context_.pump,
                                          context_.options);
  context_.websockets.push_back(ws);  // http_server prunes the closed ones as it counts
  ws->start(std::move(req));
  return true;
}

bool http_session::stream_wav(const request& req, const std::string& path) {
  const std::string name = path.substr(8, path.size() - 8 - 4);
  auto ch = context_.core.channel_for_listener(name);
  if (!ch) {
    reply(page(req, http::status::not_found, "text/plain", ch.error().text + "\n"));
    return true;
  }
  if (auto why = context_.sessions.check_listener(*ch.value())) {
    reply(page(req, http::status::service_unavailable, "text/plain", why->text + "\n"));
    return true;
  }
  // Close-delimited, no length: every player reads a WAV like this until the server stops.
  const std::string head = "HTTP/1.1 200 OK\r\nServer: mixmatrixd/" MIXMATRIX_VERSION
                           "\r\nContent-Type: audio/wav\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
  handed_over_ = true;
  stream_.expires_never();
  context_.sessions.listen(stream_.release_socket(), ch.value(), context_.sessions.own_format(),
                           head + endless_wav_header(context_.options.engine.rate));
  return true;
}

void http_session::reply(response res) {
  writing_ = std::move(res);
  stream_.expires_after(context_.options.handshake_timeout);
  http::async_write(stream_, *writing_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    const bool keep = self->writing_->keep_alive();
    self->writing_.reset();
    if (ec || !keep) return self->stop();
    self->do_read(self->context_.options.http_idle_timeout);
  });
}

}  // namespace mixmatrix::server
