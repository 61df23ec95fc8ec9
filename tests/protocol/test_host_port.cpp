#include <doctest/doctest.h>

#include "protocol/host_port.hpp"

using mixmatrix::protocol::parse_host_port;

TEST_CASE("host_port splits names, IPv4 and IPv6 with and without a port") {
  auto named = parse_host_port("studio.local:7700");
  REQUIRE(named);
  CHECK(named->host == "studio.local");
  CHECK(*named->port == 7700);
  auto bare = parse_host_port("10.0.0.1");
  REQUIRE(bare);
  CHECK(bare->host == "10.0.0.1");
  CHECK_FALSE(bare->port);
  auto v6 = parse_host_port("[::1]:7701");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(*v6->port == 7701);
  auto bare_v6 = parse_host_port("fe80::1");
  REQUIRE(bare_v6);
  CHECK(bare_v6->host == "fe80::1");
  CHECK_FALSE(bare_v6->port);
  CHECK(parse_host_port("[::1]")->host == "::1");
  CHECK(*parse_host_port("127.0.0.1:0")->port == 0);
}

TEST_CASE("host_port refuses an empty host and ports that are not numbers up to 65535") {
  for (const char* bad : {"", ":7700", "host:", "host:port", "host:65536", "host:-1", "[::1]:", "[]:80", "host:80x"}) {
    CHECK_MESSAGE(!parse_host_port(bad), bad);
  }
}
