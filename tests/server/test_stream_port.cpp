#include <doctest/doctest.h>

#include <cstring>
#include <thread>

#include "tests/support/audio_analysis.hpp"
#include "tests/support/tcp_client.hpp"
#include "tests/support/test_server.hpp"

using namespace mixmatrix::test;
using namespace std::chrono_literals;

TEST_CASE("SEND creates the input, LISTEN monitors it, and PCM sent with the handshake is kept") {
  test_server server;
  tcp_client monitor_later(server.control_port);  // a spare connection, to prove it is not needed
  const std::string pcm = sine_pcm(1000, 0.5, 1.0);
  tcp_client sender(server.stream_port);
  sender.send("SEND NEW s16le 44100 2\n" + pcm.substr(0, 1001));  // handshake and a cut frame in one packet
  CHECK(sender.read_line(2s) == "OK");
  tcp_client listener(server.stream_port);
  listener.send("LISTEN NEW\n");
  CHECK(listener.read_line(2s) == "OK s16le 44100 2");
  sender.send(pcm.substr(1001));
  const std::string heard = listener.read_for(1500ms);
  // Find where the sine starts in the monitor and compare it sample for sample.
  const auto start = heard.find(pcm.substr(4, 64));
  REQUIRE(start != std::string::npos);
  REQUIRE(start >= 4);
  const std::size_t whole = std::min(heard.size() - (start - 4), pcm.size());
  CHECK(heard.compare(start - 4, whole, pcm, 0, whole) == 0);
  auto show = server.command("show NEW");
  CHECK(show.data[0].starts_with("input NEW state=live"));
}

TEST_CASE("a second sender on a busy input: ERR 409 input NAME busy, then close") {
  test_server server;
  tcp_client first(server.stream_port);
  first.send("SEND A\n");
  CHECK(first.read_line(2s) == "OK");
  tcp_client second(server.stream_port);
  second.send("SEND A\n");
  CHECK(second.read_line(2s) == "ERR 409 input A busy");
  CHECK(second.wait_closed(2s));
}

TEST_CASE("LISTEN to an unknown name: ERR 404, then close") {
  test_server server;
  tcp_client client(server.stream_port);
  client.send("LISTEN NOPE\n");
  CHECK(client.read_line(2s) == "ERR 404 no such channel NOPE");
  CHECK(client.wait_closed(2s));
}

TEST_CASE("a rate outside 8000 to 192000: ERR 400 unsupported rate, then close") {
  test_server server;
  for (const char* handshake : {"SEND A s16le 384000 2\n", "SEND A s24le 4000 1\n", "LISTEN A f32le 0 2\n"}) {
    tcp_client client(server.stream_port);
    client.send(handshake);
    CHECK(client.read_line(2s)->starts_with("ERR 400 unsupported rate "));
    CHECK(client.wait_closed(2s));
  }
}

TEST_CASE("SEND to a mix or a tone is a conflict") {
  test_server server;
  server.command("mix add M");
  server.command("input add T tone 440");
  for (const char* handshake : {"SEND M\n", "SEND T\n"}) {
    tcp_client client(server.stream_port);
    client.send(handshake);
    CHECK(client.read_line(2s)->starts_with("ERR 409"));
  }
}

TEST_CASE("a connection that sends no handshake is closed after the timeout") {
  test_server server({"--handshake-timeout", "300"});
  tcp_client silent(server.stream_port);
  tcp_client half(server.stream_port);
  half.send("SEND A");  // no end of line
  const auto start = std::chrono::steady_clock::now();
  CHECK(silent.wait_closed(3s));
  CHECK(half.wait_closed(3s));
  CHECK(std::chrono::steady_clock::now() - start < 2s);
  CHECK(server.command("ping").ok());
}

TEST_CASE("a handshake line over the limit is refused") {
  test_server server;
  tcp_client client(server.stream_port);
  client.send(std::string(3000, 'S'));
  CHECK(client.read_line(2s) == "ERR 400 line too long");
}

TEST_CASE("a sender that leaves frees the input for the next") {
  test_server server;
  {
    tcp_client first(server.stream_port);
    first.send("SEND A\n");
    CHECK(first.read_line(2s) == "OK");
    first.send("abc");  // a half frame, then an abrupt disconnect
    first.abort();
  }
  std::this_thread::sleep_for(200ms);
  tcp_client second(server.stream_port);
  second.send("SEND A\n");
  CHECK(second.read_line(2s) == "OK");
}
