#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "protocol/line_reader.hpp"

using mixmatrix::protocol::line;
using mixmatrix::protocol::line_reader;
using namespace std::string_literals;

namespace {
std::vector<line> drain(line_reader& r) {
  std::vector<line> lines;
  while (auto l = r.next()) lines.push_back(*l);
  return lines;
}
}  // namespace

TEST_CASE("line_reader splits LF and CRLF lines, several per packet") {
  line_reader r;
  r.append("list\r\nping\nquit\r\r\n");
  auto lines = drain(r);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].text == "list");
  CHECK(lines[1].text == "ping");
  CHECK(lines[2].text == "quit");
}

TEST_CASE("line_reader joins one command cut across packets at every byte") {
  const std::string input = "route MIX DJ1 -6\r\n";
  for (std::size_t cut = 0; cut <= input.size(); ++cut) {
    line_reader r;
    r.append(input.substr(0, cut));
    if (cut < input.size()) CHECK_FALSE(r.next());
    r.append(input.substr(cut));
    auto lines = drain(r);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].text == "route MIX DJ1 -6");
  }
}

TEST_CASE("line_reader strips telnet negotiation, even cut mid-sequence") {
  // IAC DO ECHO, IAC WILL SUPPRESS-GO-AHEAD, IAC SB NAWS 0 80 0 24 IAC SE, IAC NOP
  const std::string telnet = "\xff\xfd\x01pi\xff\xfb\x03ng\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0\xff\xf1\r\n"s;
  for (std::size_t cut = 0; cut <= telnet.size(); ++cut) {
    line_reader r;
    r.append(telnet.substr(0, cut));
    r.append(telnet.substr(cut));
    auto lines = drain(r);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].text == "ping");
  }
}

TEST_CASE("line_reader reports an over-long line once and discards it to its end") {
  line_reader r(16);
  r.append(std::string(16, 'a') + "\n");  // exactly the limit: fine
  r.append(std::string(16, 'b') + "\r\n");  // the limit plus CRLF: fine
  r.append(std::string(40, 'x'));
  r.append(std::string(40, 'y') + "\nping\n");
  auto lines = drain(r);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].text == std::string(16, 'a'));
  CHECK(lines[1].text == std::string(16, 'b'));
  CHECK(lines[2].too_long);
  CHECK(lines[2].text.empty());
  CHECK(lines[3].text == "ping");
}

TEST_CASE("line_reader: a line one byte over the limit is too long") {
  line_reader r(16);
  r.append(std::string(17, 'a') + "\n");
  auto lines = drain(r);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].too_long);
}

TEST_CASE("line_reader survives binary garbage and keeps working") {
  line_reader r;
  std::string garbage;
  for (int i = 0; i < 5000; ++i) garbage.push_back(static_cast<char>((i * 7919) % 256));
  r.append(garbage);
  drain(r);
  r.append("\nping\n");  // ends whatever the garbage left open (unless inside a subnegotiation)
  r.append("\xff\xf0\nping\n");
  auto lines = drain(r);
  REQUIRE_FALSE(lines.empty());
  CHECK(lines.back().text == "ping");
}

TEST_CASE("line_reader keeps empty lines (the session ignores them) and drops NULs") {
  line_reader r;
  r.append("\n\r\npi\0ng\n"s);
  auto lines = drain(r);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0].text.empty());
  CHECK(lines[1].text.empty());
  CHECK(lines[2].text == "ping");
}

TEST_CASE("line_reader frames only as asked, so the bytes after a line come back unaltered") {
  line_reader r;
  r.append("AUTH pw\r\nSEND DJ1\n\xff\x00\x01\n\x02"s);
  CHECK(r.next()->text == "AUTH pw");
  CHECK(r.next()->text == "SEND DJ1");
  CHECK(r.take_rest() == "\xff\x00\x01\n\x02"s);
  CHECK_FALSE(r.next());
  CHECK(r.buffered() == 0);
}

TEST_CASE("line_reader holds nothing for a run of CRs, however long, and drops it at the LF") {
  line_reader r(8);
  r.append("show" + std::string(10000, '\r'));
  CHECK_FALSE(r.next());
  CHECK(r.buffered() == 4);
  r.append("\n");
  auto l = r.next();
  REQUIRE(l);
  CHECK_FALSE(l->too_long);
  CHECK(l->text == "show");
}

TEST_CASE("line_reader counts what it buffers of an unfinished line") {
  line_reader r(8);
  r.append("LISTEN");
  CHECK_FALSE(r.next());
  CHECK(r.buffered() == 6);
  r.append(" very long name\n");
  auto l = r.next();
  REQUIRE(l);
  CHECK(l->too_long);
}

TEST_CASE("line_reader takes a line of exactly the limit ending in CR CR LF (found by fuzzing)") {
  line_reader r(4);
  r.append("abcd\r\r\nabcde\r\n");
  auto first = r.next();
  REQUIRE(first);
  CHECK_FALSE(first->too_long);
  CHECK(first->text == "abcd");
  auto second = r.next();
  REQUIRE(second);
  CHECK(second->too_long);
}
