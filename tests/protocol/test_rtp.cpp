#include <doctest/doctest.h>

#include <array>
#include <vector>

#include "protocol/command_parser.hpp"
#include "protocol/rtp.hpp"
#include "protocol/sdp.hpp"
#include "protocol/words.hpp"

using namespace mixmatrix::protocol;

namespace {
std::vector<std::byte> bytes(std::initializer_list<int> values) {
  std::vector<std::byte> out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

// A packet with header `h` and `payload` bytes of 0x11.
std::vector<std::byte> packet(const rtp_header& h, std::size_t payload) {
  std::vector<std::byte> out(rtp_header_bytes + payload, std::byte{0x11});
  write_rtp_header(h, std::span<std::byte, rtp_header_bytes>(out.data(), rtp_header_bytes));
  return out;
}

std::string why_not(std::span<const std::byte> datagram) {
  auto p = parse_rtp(datagram);
  REQUIRE_FALSE(p);
  return p.error().text;
}

result<command> parse(const std::string& line) {
  return parse_command(split_words(line).value());
}
}  // namespace

TEST_CASE("an RTP header is written in network byte order and parsed back") {
  const rtp_header h{true, 96, 0xabcd, 0x01020304, 0xdeadbeef};
  const auto p = packet(h, 8);
  CHECK(p[0] == std::byte{0x80});
  CHECK(p[1] == std::byte{0x80 | 96});
  CHECK(p[2] == std::byte{0xab});
  CHECK(p[3] == std::byte{0xcd});
  CHECK(p[4] == std::byte{0x01});
  CHECK(p[7] == std::byte{0x04});
  CHECK(p[8] == std::byte{0xde});
  CHECK(p[11] == std::byte{0xef});
  const auto parsed = parse_rtp(p);
  REQUIRE(parsed);
  CHECK(parsed.value().header.marker);
  CHECK(parsed.value().header.payload_type == 96);
  CHECK(parsed.value().header.sequence == 0xabcd);
  CHECK(parsed.value().header.timestamp == 0x01020304);
  CHECK(parsed.value().header.ssrc == 0xdeadbeef);
  CHECK(parsed.value().payload.size() == 8);
}

TEST_CASE("parse_rtp skips CSRCs and an extension and strips padding") {
  // Version 2, padding, extension, 2 CSRCs; PT 10.
  auto p = bytes({0xb2, 10,   0,    1,    0, 0, 0, 5, 0, 0, 0, 9,  // fixed header
                  1,    1,    1,    1,    2, 2, 2, 2,              // CSRCs
                  0xbe, 0xde, 0,    1,    7, 7, 7, 7,              // extension: one word
                  0x11, 0x22, 0x33, 0x44,                          // payload
                  0,    0,    3});                                 // padding of 3
  const auto parsed = parse_rtp(p);
  REQUIRE(parsed);
  REQUIRE(parsed.value().payload.size() == 4);
  CHECK(parsed.value().payload[0] == std::byte{0x11});
  CHECK(parsed.value().payload[3] == std::byte{0x44});
}

TEST_CASE("parse_rtp refuses what its own fields say it cannot be, and says why") {
  CHECK(why_not(bytes({0x80, 10, 0, 1})).find("shorter than its header") != std::string::npos);
  CHECK(why_not(bytes({0x40, 10, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2})).find("version 1") !=
        std::string::npos);
  // 15 CSRCs announced, none there.
  CHECK(why_not(bytes({0x8f, 10, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4})).find("CSRC") !=
        std::string::npos);
  // An extension header cut short, then one whose length runs past the datagram.
  CHECK(why_not(bytes({0x90, 10, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xbe})).find("extension header") !=
        std::string::npos);
  CHECK(why_not(bytes({0x90, 10, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xbe, 0xde, 0xff, 0xff, 1, 2, 3, 4}))
            .find("shorter than its extension") != std::string::npos);
  // Padding of 0, and padding longer than the payload.
  CHECK(why_not(bytes({0xa0, 10, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0})).find("padding") != std::string::npos);
  CHECK(why_not(bytes({0xa0, 10, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 9})).find("padding") != std::string::npos);
}

TEST_CASE("a source's payload format: static types 10 and 11 without one, a dynamic type with one") {
  const auto l16 = payload_format_for(10, std::nullopt);
  REQUIRE(l16);
  CHECK(*l16 == rtp_payload_format{rtp_encoding::l16, 44100, 2});
  CHECK(payload_format_for(11, std::nullopt)->channels == 1);
  CHECK_FALSE(payload_format_for(96, std::nullopt));
  CHECK_FALSE(payload_format_for(0, std::nullopt));  // PCMU is not ours
  const rtp_payload_format l24{rtp_encoding::l24, 48000, 2};
  CHECK(payload_format_for(97, l24) == l24);
  CHECK_FALSE(payload_format_for(10, l24));  // a static type of another format
  const rtp_payload_format l16_44{rtp_encoding::l16, 44100, 2};
  CHECK(payload_format_for(10, l16_44) == l16_44);
}

TEST_CASE("input add NAME rtp: address, format and latency, and what it refuses") {
  auto c = parse("input add far rtp 239.1.2.3:5004 format L24 48000 2 latency 20");
  REQUIRE(c);
  const auto& in = std::get<cmd::add_network_input>(c.value());
  REQUIRE(in.rtp);
  CHECK(in.rtp->address == "239.1.2.3");
  CHECK(in.rtp->port == 5004);
  CHECK(in.rtp->format == rtp_payload_format{rtp_encoding::l24, 48000, 2});
  CHECK(in.latency_ms == 20u);
  CHECK(format_rtp_source(*in.rtp) == "239.1.2.3:5004 format L24 48000 2");

  auto v6 = parse("input add near rtp [::1]:5006");
  REQUIRE(v6);
  const auto& near = std::get<cmd::add_network_input>(v6.value());
  CHECK(near.rtp->address == "::1");
  CHECK_FALSE(near.rtp->format);
  CHECK(format_rtp_source(*near.rtp) == "[::1]:5006");

  for (const char* bad :
       {"input add x rtp example.com:5004", "input add x rtp 127.0.0.1", "input add x rtp 127.0.0.1:0",
        "input add x rtp 127.0.0.1:5004 format L8 44100 2",
        "input add x rtp 127.0.0.1:5004 format L16 1000 2",
        "input add x rtp 127.0.0.1:5004 format L16 44100 9", "input add x port 1700 rtp 127.0.0.1:5004"}) {
    auto r = parse(bad);
    CHECK_MESSAGE(!r, bad);
  }
}

TEST_CASE("input add NAME rtp|sdp|sap ... playout media OFFSET_MS: at its timestamps, RTP's only") {
  auto c = parse("input add far rtp 239.1.2.3:5004 format L24 48000 2 playout media 2 latency 20");
  REQUIRE(c);
  const auto& in = std::get<cmd::add_network_input>(c.value());
  CHECK(in.playout_ms == 2u);
  CHECK(in.latency_ms == 20u);
  auto sdp = parse("input add far sdp /srv/a.sdp playout media 0");
  REQUIRE(sdp);
  CHECK(std::get<cmd::add_sdp_input>(sdp.value()).playout_ms == 0u);
  auto sap = parse("input add far sap stage latency 5 playout media 10");
  REQUIRE(sap);
  CHECK(std::get<cmd::add_sap_input>(sap.value()).playout_ms == 10u);
  CHECK(std::get<cmd::add_sap_input>(sap.value()).latency_ms == 5u);
  for (const char* bad :
       {"input add x playout media 2", "input add x port 1700 playout media 2",
        "input add x rtp 127.0.0.1:5004 playout media 501", "input add x rtp 127.0.0.1:5004 playout level 2",
        "input add x sdp a.sdp playout media",
        "input add x rtp 127.0.0.1:5004 playout media 2 playout media 3"}) {
    auto r = parse(bad);
    CHECK_MESSAGE(!r, bad);
  }
}

TEST_CASE("the SDP of a sent stream names its address, payload and clock in RFC 4566's order") {
  sdp_stream s;
  s.session_name = "main";
  s.origin_address = "192.0.2.1";
  s.session_id = 42;
  s.session_version = 42;
  s.address = "239.69.1.2";
  s.ttl = 4;
  s.port = 5004;
  s.payload_type = 96;
  s.encoding = rtp_encoding::l24;
  s.rate = 48000;
  s.ptime_ms = 1;
  s.aes67 = true;
  const auto lines = sdp_lines(s);
  const std::vector<std::string> want{"v=0",
                                      "o=- 42 42 IN IP4 192.0.2.1",
                                      "s=main",
                                      "c=IN IP4 239.69.1.2/4",
                                      "t=0 0",
                                      "m=audio 5004 RTP/AVP 96",
                                      "a=rtpmap:96 L24/48000/2",
                                      "a=ptime:1",
                                      "a=ts-refclk:local",
                                      "a=mediaclk:direct=0",
                                      "a=recvonly"};
  CHECK(lines == want);
  s.reference_clock = "ptp=IEEE1588-2008:00-1D-C1-FF-FE-12-34-56:0";
  CHECK(sdp_lines(s)[8] == "a=ts-refclk:ptp=IEEE1588-2008:00-1D-C1-FF-FE-12-34-56:0");
}
