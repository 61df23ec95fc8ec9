// The web surface's endpoints from a test client (Beast): the scene as JSON, every kind of
// WebSocket answer, events, meters and monitoring, WAV streams read by ffmpeg, logins, and what
// bad or rude clients get.

#include <doctest/doctest.h>

#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <thread>

#include "tests/support/audio_analysis.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/tcp_client.hpp"
#include "tests/support/test_server.hpp"

using namespace mixmatrix::test;
using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using json = nlohmann::json;
using tcp = asio::ip::tcp;

namespace {

// One HTTP request, answered (blocking, loopback).
http::response<http::string_body> fetch(std::uint16_t port, http::verb verb, const std::string& target,
                                        const std::string& cookie = {}, const std::string& body = {}) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  stream.expires_after(10s);
  http::request<http::string_body> req{verb, target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  if (!cookie.empty()) req.set(http::field::cookie, cookie);
  if (!body.empty()) {
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    req.body() = body;
  }
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  return res;
}

// A WebSocket on /ws that reads messages with a timeout.
class web_client {
 public:
  explicit web_client(std::uint16_t port, const std::string& origin = {}, const std::string& cookie = {})
      : ws_(io_) {
    beast::get_lowest_layer(ws_).connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    ws_.set_option(websocket::stream_base::decorator([&](websocket::request_type& req) {
      if (!origin.empty()) req.set(http::field::origin, origin);
      if (!cookie.empty()) req.set(http::field::cookie, cookie);
    }));
    beast::get_lowest_layer(ws_).expires_after(10s);
    ws_.handshake("127.0.0.1:" + std::to_string(port), "/ws");
  }
  void send(const std::string& text) {
    ws_.text(true);
    ws_.write(asio::buffer(text));
  }
  // The next message (text or binary); throws on timeout or close.
  std::string next(bool* binary = nullptr) {
    beast::get_lowest_layer(ws_).expires_after(5s);
    beast::flat_buffer buffer;
    ws_.read(buffer);
    if (binary) *binary = ws_.got_binary();
    return beast::buffers_to_string(buffer.data());
  }
  // The next text message that is a JSON object with `key`.
  json next_with(const std::string& key) {
    for (int i = 0; i < 200; ++i) {
      bool binary = false;
      const std::string m = next(&binary);
      if (binary) continue;
      auto j = json::parse(m);
      if (j.contains(key)) return j;
    }
    FAIL("no message with " << key);
    return {};
  }
  // Runs one command and returns its answer.
  json command(long long id, const std::string& line) {
    send(json{{"id", id}, {"cmd", line}}.dump());
    for (;;) {
      auto j = next_with("id");
      if (j["id"] == id) return j;
    }
  }
  websocket::stream<beast::tcp_stream>& raw() { return ws_; }

 private:
  asio::io_context io_;
  websocket::stream<beast::tcp_stream> ws_;
};

void tone_scene(test_server& server) {
  REQUIRE(server.command("input add A tone 1000 -6").ok());
  REQUIRE(server.command("mix add M").ok());
  REQUIRE(server.command("route M A").ok());
}

}  // namespace

TEST_CASE("web: /api/scene is the scene as JSON, and the page and its files are served") {
  test_server server;
  tone_scene(server);
  REQUIRE(server.command("input add B tone 300").ok());
  REQUIRE(server.command("route M B -inf").ok());
  REQUIRE(server.command("mute M B").ok());
  const auto res = fetch(server.http_port, http::verb::get, "/api/scene");
  CHECK(res.result() == http::status::ok);
  CHECK(res[http::field::content_type] == "application/json");
  const auto scene = json::parse(res.body());
  CHECK(scene["rate"] == 44100);
  REQUIRE(scene["inputs"].size() == 2);
  CHECK(scene["inputs"][0]["name"] == "A");
  CHECK(scene["inputs"][0]["kind"] == "tone");
  REQUIRE(scene["mixes"].size() == 1);
  const auto& mix = scene["mixes"][0];
  CHECK(mix["name"] == "M");
  CHECK(mix["on"] == true);
  REQUIRE(mix["routes"].size() == 2);
  CHECK(mix["routes"][0] == json{{"source", "A"}, {"gain_db", 0.0}, {"muted", false}});
  CHECK(mix["routes"][1] == json{{"source", "B"}, {"gain_db", "-inf"}, {"muted", true}});

  const auto index = fetch(server.http_port, http::verb::get, "/");
  CHECK(index.result() == http::status::ok);
  CHECK(index.body().find("<html") != std::string::npos);
  for (const std::string asset : {"/app.js", "/style.css", "/monitor-worklet.js", "/login"}) {
    CAPTURE(asset);
    CHECK(fetch(server.http_port, http::verb::get, asset).result() == http::status::ok);
  }
  CHECK(fetch(server.http_port, http::verb::get, "/nothing").result() == http::status::not_found);
  CHECK(fetch(server.http_port, http::verb::post, "/api/scene").result() == http::status::method_not_allowed);
}

TEST_CASE("web: the WebSocket answers every command as JSON, and bad messages clearly") {
  test_server server;
  tone_scene(server);
  web_client ws(server.http_port);
  CHECK(json::parse(ws.next())["hello"]["rate"] == 44100);
  auto listed = ws.command(1, "list");
  CHECK(listed["ok"] == true);
  CHECK(listed["status"] == "OK");
  CHECK(listed["data"].size() == 2);
  CHECK(ws.command(2, "ping")["status"] == "OK pong");
  auto missing = ws.command(3, "show NOPE");
  CHECK(missing["ok"] == false);
  CHECK(missing["status"] == "ERR 404 no such channel NOPE");
  CHECK(ws.command(4, "frobnicate")["status"].get<std::string>().starts_with("ERR 400 unknown command"));
  CHECK(ws.command(5, "gain M A -6")["status"] == "OK");
  CHECK(server.command("show M").data.at(1) == "route A gain=-6.00 muted=no");
  CHECK(ws.command(6, "QUERY M ALL")["data"] == json{"ON"});
  ws.send("this is not JSON");
  auto bad = ws.next_with("id");
  CHECK(bad["ok"] == false);
  CHECK(bad["status"].get<std::string>().starts_with("ERR 400"));
  ws.send(R"({"cmd": 5})");
  CHECK(ws.next_with("id")["status"].get<std::string>().starts_with("ERR 400"));
  // Still serving this connection after the bad ones.
  CHECK(ws.command(7, "ping")["status"] == "OK pong");
}

TEST_CASE("web: events follow other clients' changes, meters come ten times a second, monitoring sends PCM") {
  test_server server;
  tone_scene(server);
  web_client ws(server.http_port);
  REQUIRE(server.command("mute M A").ok());
  CHECK(ws.next_with("event")["event"].get<std::string>().starts_with("changed mute M A (by "));
  const auto started = std::chrono::steady_clock::now();
  int meters = 0;
  json last;
  while (std::chrono::steady_clock::now() - started < 2s) {
    last = ws.next_with("meters");
    ++meters;
  }
  CHECK(meters >= 17);
  CHECK(meters <= 23);
  CHECK(last["meters"]["A"]["peak"][0].get<double>() == doctest::Approx(-6.0).epsilon(0.02));

  ws.send(R"({"monitor": "A"})");
  CHECK(ws.next_with("monitor")["ok"] == true);
  std::string pcm;
  while (pcm.size() < 44100 * 4) {
    bool binary = false;
    const std::string m = ws.next(&binary);
    if (binary) pcm += m;
  }
  CHECK(tone_dbfs(channel_samples(pcm, 0), 44100, 1000) == doctest::Approx(-6.02).epsilon(0.02));
  ws.send(R"({"monitor": "NOPE"})");
  CHECK(ws.next_with("monitor")["status"] == "ERR 404 no such channel NOPE");
}

TEST_CASE("web: /stream/NAME.wav is an endless WAV that ffmpeg plays") {
  REQUIRE(have_program("ffmpeg"));
  const auto dir = temp_dir();
  test_server server;
  tone_scene(server);
  const std::string url = "http://127.0.0.1:" + std::to_string(server.http_port) + "/stream/M.wav";
  REQUIRE(run_shell("ffmpeg -loglevel error -i " + url + " -t 1 -f s16le -y " + dir + "/m.raw", 20s) == 0);
  const std::string pcm = read_file(dir + "/m.raw");
  CHECK(pcm.size() == 176400);
  CHECK(tone_dbfs(channel_samples(pcm, 0), 44100, 1000) == doctest::Approx(-6.02).epsilon(0.02));
  CHECK(fetch(server.http_port, http::verb::get, "/stream/NOPE.wav").result() == http::status::not_found);
}

TEST_CASE("web: with a password, a login gets a session cookie that every endpoint and the WebSocket need") {
  const auto dir = temp_dir();
  std::ofstream(dir + "/pw") << "sesame\n";
  test_server server({"--password-file", dir + "/pw"});
  CHECK(fetch(server.http_port, http::verb::get, "/").result() == http::status::see_other);
  CHECK(fetch(server.http_port, http::verb::get, "/api/scene").result() == http::status::unauthorized);
  CHECK(fetch(server.http_port, http::verb::get, "/login").result() == http::status::ok);
  const auto before = std::chrono::steady_clock::now();
  const auto wrong = fetch(server.http_port, http::verb::post, "/login", {}, "password=guess");
  CHECK(wrong.result() == http::status::unauthorized);
  CHECK(std::chrono::steady_clock::now() - before >= 900ms);
  CHECK(wrong.body().find("data-failed=\"true\"") != std::string::npos);
  CHECK(wrong.find(http::field::set_cookie) == wrong.end());
  const auto right = fetch(server.http_port, http::verb::post, "/login", {}, "password=sesame");
  CHECK(right.result() == http::status::see_other);
  const std::string set_cookie(right[http::field::set_cookie]);
  CHECK(set_cookie.find("HttpOnly") != std::string::npos);
  CHECK(set_cookie.find("SameSite=Strict") != std::string::npos);
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  CHECK(fetch(server.http_port, http::verb::get, "/api/scene", cookie).result() == http::status::ok);
  CHECK(fetch(server.http_port, http::verb::get, "/api/scene", "mixmatrix_session=forged").result() ==
        http::status::unauthorized);
  CHECK_THROWS(web_client(server.http_port));  // no cookie: no WebSocket
  const std::string host = "http://127.0.0.1:" + std::to_string(server.http_port);
  CHECK_THROWS(web_client(server.http_port, "http://evil.example", cookie));  // another site's page
  web_client ws(server.http_port, host, cookie);
  CHECK(ws.command(1, "ping")["status"] == "OK pong");
}

TEST_CASE("web: oversized, slow and aborted clients get clear errors, the server and its audio carry on") {
  const auto mix_port = free_port();
  test_server server({"--handshake-timeout", "300", "--max-http-clients", "8"});
  REQUIRE(server.command("input add A tone 1000 -6").ok());
  REQUIRE(server.command("mix add M port " + std::to_string(mix_port)).ok());
  REQUIRE(server.command("route M A").ok());
  tcp_client ears(mix_port);
  ears.read_for(200ms);

  {
    tcp_client huge(server.http_port);  // the server may answer before all of it is sent
    huge.send("GET /api/scene?" + std::string(20000, 'x') + " HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(huge.read_line(2s).value_or("").starts_with("HTTP/1.1 413"));
  }
  {
    tcp_client slow(server.http_port);
    slow.send("GET / HTTP/1.1\r\nHost: x\r\n");  // and never the end of the header
    CHECK(slow.wait_closed(3s));
  }
  for (int i = 0; i < 100; ++i) {
    tcp_client rude(server.http_port);
    rude.send(i % 2 ? "GET /api/scene HTTP/1.1\r\nHo" : "\x16\x03\x01garbage");
    rude.abort();
  }
  {
    web_client ws(server.http_port);
    ws.next();  // the hello
    // Past --max-request: the server closes the connection (the write itself may already fail).
    CHECK_THROWS([&] {
      ws.send(json{{"id", 1}, {"cmd", std::string(40000, 'a')}}.dump());
      ws.next();
    }());
  }
  {
    std::vector<std::unique_ptr<tcp_client>> many;
    for (int i = 0; i < 8; ++i) many.push_back(std::make_unique<tcp_client>(server.http_port));
    std::this_thread::sleep_for(100ms);
    tcp_client one_too_many(server.http_port);
    const auto refusal = one_too_many.read_line(2s).value_or("(nothing)");
    CHECK_MESSAGE(refusal.starts_with("HTTP/1.1 503"), refusal);
  }
  std::this_thread::sleep_for(100ms);
  CHECK(fetch(server.http_port, http::verb::get, "/api/scene").result() == http::status::ok);
  CHECK(server.command("ping").status == "OK pong");
  const std::string heard = ears.read_for(500ms);
  CHECK(heard.size() > 176400 / 4);
  CHECK(longest_silence_frames(heard) <= 1);
}
