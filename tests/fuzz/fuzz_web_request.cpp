// The web surface's parsing of what a browser (or anyone) sends: an HTTP request read with the
// server's limits, then its login form, its session cookie and a WebSocket message from its body.

#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "server/net/http/beast.hpp"
#include "server/net/http/web_auth.hpp"
#include "server/net/http/web_message.hpp"

using namespace mixmatrix::server;
using mixmatrix::fuzz::as_text;
using mixmatrix::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = as_text(data, size);

  // As http_session reads a request: the header and body limits of --max-request's default.
  http::request_parser<http::string_body> parser;
  parser.header_limit(16384);
  parser.body_limit(16384);
  parser.eager(true);
  beast::error_code ec;
  parser.put(boost::asio::buffer(text.data(), text.size()), ec);
  if (!ec && parser.is_header_done()) {
    const auto& req = parser.get();
    const std::string cookie(req[http::field::cookie]);
    const std::string body = req.body();
    check(body.size() <= 16384, "a body past the limit was accepted");

    web_auth open(std::nullopt);
    check(open.admits(cookie), "no password, yet a cookie was refused");
    web_auth locked(std::string("sesame"));
    check(!locked.admits(cookie), "a cookie never handed out was admitted", cookie);
    const std::string password = form_field(body, "password");
    const auto token = locked.login(password);
    check(token.has_value() == (password == "sesame"), "login disagrees with the password", password);
    if (token) check(locked.admits("mixmatrix_session=" + *token), "a fresh session was refused");

    // The same body as a WebSocket message: a command, a monitor request or a clear 400.
    const auto message = parse_web_message(body);
    if (!message) {
      check(message.error().code == mixmatrix::protocol::code::bad_request, "a bad message is not a 400");
    } else if (const auto* c = std::get_if<web_command>(&message.value())) {
      check(body.find("cmd") != std::string::npos, "a command without cmd", body);
      (void)c->line.size();
    }
  }
  return 0;
}
