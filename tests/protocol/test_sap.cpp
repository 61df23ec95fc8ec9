#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "protocol/sap.hpp"

using namespace mixmatrix::protocol;

namespace {
std::vector<std::byte> bytes(const std::string& s) {
  std::vector<std::byte> out;
  for (const char c : s) out.push_back(static_cast<std::byte>(c));
  return out;
}
}  // namespace

TEST_CASE("sap: an announcement is written as RFC 2974 lays it out and reads back") {
  const sap_message m{false, 0xbeef, "10.231.0.1", "v=0\r\ns=out\r\n"};
  const auto p = write_sap(m);
  REQUIRE(p.size() == 4 + 4 + 16 + m.sdp.size());
  CHECK(p[0] == std::byte{0x20});  // version 1, IPv4, announcement
  CHECK(p[1] == std::byte{0});     // no authentication
  CHECK(p[2] == std::byte{0xbe});
  CHECK(p[3] == std::byte{0xef});
  CHECK(p[4] == std::byte{10});
  CHECK(p[7] == std::byte{1});
  CHECK(std::string(reinterpret_cast<const char*>(p.data() + 8), 16) == std::string("application/sdp\0", 16));
  const auto back = parse_sap(p);
  REQUIRE(back);
  CHECK_FALSE(back.value().deletion);
  CHECK(back.value().hash == 0xbeef);
  CHECK(back.value().origin == "10.231.0.1");
  CHECK(back.value().sdp == m.sdp);
}

TEST_CASE("sap: a deletion from an IPv6 origin, and a packet without a payload type (SDP implied)") {
  const auto p = write_sap({true, 7, "fe80::1", "o=- 1 1 IN IP6 fe80::1\r\n"});
  CHECK(p[0] == std::byte{0x34});  // version 1, IPv6, deletion
  const auto back = parse_sap(p);
  REQUIRE(back);
  CHECK(back.value().deletion);
  CHECK(back.value().origin == "fe80::1");
  // Authentication data of one word, then the SDP at once, as older announcers send it.
  auto bare =
      bytes(std::string("\x20\x01\x00\x05", 4) + std::string("\x0a\x00\x00\x02", 4) + "AUTH" + "v=0\r\n");
  const auto implied = parse_sap(bare);
  REQUIRE(implied);
  CHECK(implied.value().sdp == "v=0\r\n");
  CHECK(implied.value().origin == "10.0.0.2");
}

TEST_CASE("sap: what cannot be read is refused, saying why") {
  const auto why = [](const std::string& packet) {
    const auto r = parse_sap(bytes(packet));
    REQUIRE_FALSE(r);
    return r.error().text;
  };
  CHECK(why(std::string("\x20\x00", 2)).find("shorter than its header") != std::string::npos);
  CHECK(why(std::string("\x40\x00\x00\x01\x0a\x00\x00\x01v=0", 11)).find("version 2") != std::string::npos);
  CHECK(why(std::string("\x22\x00\x00\x01\x0a\x00\x00\x01v=0", 11)).find("encrypted") != std::string::npos);
  CHECK(why(std::string("\x21\x00\x00\x01\x0a\x00\x00\x01v=0", 11)).find("compressed") != std::string::npos);
  CHECK(why(std::string("\x20\x09\x00\x01\x0a\x00\x00\x01v=0", 11)).find("authentication") !=
        std::string::npos);
  CHECK(
      why(std::string("\x20\x00\x00\x01\x0a\x00\x00\x01text/plain\0hello", 24)).find("text/plain, not SDP") !=
      std::string::npos);
  CHECK(why(std::string("\x20\x00\x00\x01\x0a\x00\x00\x01garbage", 15)).find("no payload type") !=
        std::string::npos);
}
