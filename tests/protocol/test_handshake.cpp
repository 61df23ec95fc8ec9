#include <doctest/doctest.h>

#include "protocol/handshake.hpp"

using namespace mixmatrix::protocol;

TEST_CASE("SEND with and without a format") {
  auto h = parse_handshake("SEND DJ1");
  REQUIRE(h);
  CHECK(std::get<send_request>(h.value()).name == "DJ1");
  CHECK(std::get<send_request>(h.value()).rate == 0);
  auto f = parse_handshake("send DJ1 s16le 44100 2");
  REQUIRE(f);
  CHECK(std::get<send_request>(f.value()).rate == 44100);
}

TEST_CASE("LISTEN") {
  auto h = parse_handshake("LISTEN main");
  REQUIRE(h);
  CHECK(std::get<listen_request>(h.value()).name == "main");
}

TEST_CASE("any other format is ERR 400 unsupported format") {
  for (const char* line : {"SEND DJ1 s24le 44100 2", "SEND DJ1 s16le 44100 1", "SEND DJ1 f32le 48000 2",
                           "SEND DJ1 s16le fast 2"}) {
    auto h = parse_handshake(line);
    REQUIRE_FALSE(h);
    CHECK(h.error().code == code::bad_request);
    CHECK(h.error().text == "unsupported format");
  }
}

TEST_CASE("malformed handshakes are 400") {
  for (const char* line : {"", "HELLO", "SEND", "LISTEN", "LISTEN a b", "SEND bad/name", "SEND a s16le"}) {
    auto h = parse_handshake(line);
    REQUIRE_FALSE(h);
    CHECK(h.error().code == code::bad_request);
  }
}
