#include <doctest/doctest.h>

#include "protocol/handshake.hpp"

using namespace mixmatrix::protocol;

namespace {
template <class T>
T parse_as(std::string_view line) {
  auto h = parse_handshake(line);
  REQUIRE_MESSAGE(h, line << ": " << (h ? "" : h.error().text));
  REQUIRE(std::holds_alternative<T>(h.value()));
  return std::get<T>(h.value());
}

std::string refusal(std::string_view line) {
  auto h = parse_handshake(line);
  REQUIRE_FALSE(h);
  CHECK(h.error().code == code::bad_request);
  return h.error().text;
}
}  // namespace

TEST_CASE("SEND without a format, and the old s16le RATE 2 form") {
  auto bare = parse_as<send_request>("SEND DJ1");
  CHECK(bare.name == "DJ1");
  CHECK_FALSE(bare.format);
  CHECK(parse_as<send_request>("send DJ1 s16le 44100 2").format == backplane_format(44100));
  CHECK(parse_as<send_request>("SEND DJ1 S16LE 48000 2").format == backplane_format(48000));
}

TEST_CASE("SEND and LISTEN with every format, mono and stereo") {
  CHECK(parse_as<send_request>("SEND DJ1 s24le 44100 1").format == stream_format{sample_format::s24le, 44100, 1});
  CHECK(parse_as<send_request>("SEND DJ1 f32le 96000 2").format == stream_format{sample_format::f32le, 96000, 2});
  CHECK(parse_as<send_request>("SEND DJ1 s32le 8000 1").format == stream_format{sample_format::s32le, 8000, 1});
  auto listen = parse_as<listen_request>("Listen main F32LE 192000 1");
  CHECK(listen.name == "main");
  CHECK(listen.format == stream_format{sample_format::f32le, 192000, 1});
  CHECK(parse_as<listen_request>("listen main s16le 44100 1").format == stream_format{sample_format::s16le, 44100, 1});
}

TEST_CASE("LISTEN without a format") {
  auto h = parse_as<listen_request>("LISTEN main");
  CHECK(h.name == "main");
  CHECK_FALSE(h.format);
}

TEST_CASE("a format the protocol does not know is a 400 naming what is wrong") {
  CHECK(refusal("SEND DJ1 s8 44100 2") == "unsupported format s8 (expected s16le, s24le, s32le or f32le)");
  CHECK(refusal("LISTEN M u8 44100 2") == "unsupported format u8 (expected s16le, s24le, s32le or f32le)");
  CHECK(refusal("SEND DJ1 s16le 4000 2") == "unsupported rate 4000 (expected 8000 to 192000)");
  CHECK(refusal("SEND DJ1 s16le 44100 6") == "unsupported channels 6 (expected 1 or 2)");
  CHECK(refusal("SEND DJ1 s16le fast 2").starts_with("bad rate"));
}

TEST_CASE("malformed handshakes are 400") {
  for (const char* line : {"", "HELLO", "SEND", "LISTEN", "LISTEN a b", "SEND bad/name", "SEND a s16le",
                           "SEND a s16le 44100", "LISTEN a s16le 44100 2 x", "LISTEN bad/name s16le 44100 2"}) {
    refusal(line);
  }
  CHECK(refusal("SEND a s16le") == "expected SEND NAME [FORMAT RATE CHANNELS] or LISTEN NAME [FORMAT RATE CHANNELS]");
}

TEST_CASE("AUTH PASSWORD") {
  CHECK(parse_as<auth_request>("AUTH \"two words\"").password == "two words");
  CHECK(refusal("AUTH") == "expected AUTH PASSWORD");
}
