#include <doctest/doctest.h>

#include <cmath>

#include "protocol/values.hpp"

using namespace mixmatrix::protocol;

TEST_CASE("names are 1 to 64 of A-Z a-z 0-9 _ . -") {
  CHECK(is_valid_name("DJ1"));
  CHECK(is_valid_name("a.b-c_D"));
  CHECK(is_valid_name(std::string(64, 'x')));
  CHECK_FALSE(is_valid_name(std::string(65, 'x')));
  CHECK_FALSE(is_valid_name(""));
  CHECK_FALSE(is_valid_name("a b"));
  CHECK_FALSE(is_valid_name("a/b"));
  CHECK_FALSE(is_valid_name("caf\xc3\xa9"));
}

TEST_CASE("gains accept numbers up to +24 dB and -inf") {
  CHECK(parse_gain_db("-6").value() == -6.0);
  CHECK(parse_gain_db("+3.5").value() == 3.5);
  CHECK(parse_gain_db("24").value() == 24.0);
  CHECK(std::isinf(parse_gain_db("-inf").value()));
  CHECK(std::isinf(parse_gain_db("-INF").value()));
  for (const char* bad : {"24.01", "inf", "nan", "x", "", "6dB", "1e999"}) {
    auto g = parse_gain_db(bad);
    REQUIRE_FALSE(g);
    CHECK(g.error().code == code::bad_request);
  }
}

TEST_CASE("ports are 1 to 65535") {
  CHECK(parse_port("1700").value() == 1700);
  CHECK(parse_port("65535").value() == 65535);
  CHECK_FALSE(parse_port("0"));
  CHECK_FALSE(parse_port("65536"));
  CHECK_FALSE(parse_port("-1"));
  CHECK_FALSE(parse_port("80x"));
}

TEST_CASE("format_db prints two decimals or -inf") {
  CHECK(format_db(0) == "0.00");
  CHECK(format_db(-6.02) == "-6.02");
  CHECK(format_db(-INFINITY) == "-inf");
}
