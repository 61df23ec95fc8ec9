#include <doctest/doctest.h>

#include <thread>

#include "tests/support/child_process.hpp"
#include "tests/support/tcp_client.hpp"
#include "tests/support/test_server.hpp"

using namespace mixmatrix::test;
using namespace std::chrono_literals;

TEST_CASE("the greeting names the version") {
  test_server server;
  control_client client(server.control_port);
  CHECK(client.greeting() == "* mixmatrix " MIXMATRIX_VERSION " ready (type help)");
}

TEST_CASE("framing: several commands in one packet, one command across packets, CRLF, empty lines") {
  test_server server;
  control_client client(server.control_port);
  auto& s = client.socket();
  s.send("ping\r\n\nPING\n  \t \nping\n");
  CHECK(s.read_line(2s) == "OK pong");
  CHECK(s.read_line(2s) == "OK pong");
  CHECK(s.read_line(2s) == "OK pong");
  for (const char* piece : {"p", "i", "n", "g", "\r", "\n"}) {
    s.send(piece);
    std::this_thread::sleep_for(20ms);
  }
  CHECK(s.read_line(2s) == "OK pong");
  CHECK_FALSE(s.read_line(300ms));  // the empty lines got no reply
}

TEST_CASE("telnet negotiation bytes are ignored") {
  test_server server;
  control_client client(server.control_port);
  client.socket().send(std::string("\xff\xfd\x03\xff\xfb\x18pi\xff\xf1ng\r\n"));
  CHECK(client.socket().read_line(2s) == "OK pong");
}

TEST_CASE("every reply is data lines then one status line, and errors carry their codes") {
  test_server server;
  control_client c(server.control_port);
  CHECK(c.command("input add DJ1").ok());
  CHECK(c.command("input add T tone 440 -6").ok());
  CHECK(c.command("mix add MIX").ok());
  CHECK(c.command("route MIX DJ1 -6").ok());
  CHECK(c.command("mix add MIX").status == "ERR 409 name MIX exists");
  CHECK(c.command("input add MIX").status == "ERR 409 name MIX exists");
  CHECK(c.command("show NOPE").status == "ERR 404 no such channel NOPE");
  CHECK(c.command("route MIX NOPE").status == "ERR 404 no such channel NOPE");
  CHECK(c.command("route NOPE DJ1").status == "ERR 404 no such mix NOPE");
  CHECK(c.command("unroute MIX T").status == "ERR 404 no route T in mix MIX");
  CHECK(c.command("gain MIX DJ1 25").status == "ERR 400 gain must be -inf or at most +24 dB, not 25");
  CHECK(c.command("frobnicate").status == "ERR 400 unknown command (type help)");
  CHECK(c.command("route MIX MIX").status.starts_with("ERR 409"));
  CHECK(c.command("input add X tone 30000").status.starts_with("ERR 400 frequency must be below"));
  auto list = c.command("list");
  REQUIRE(list.ok());
  CHECK(list.data == std::vector<std::string>{"input DJ1 state=idle buffered_ms=0 listeners=0",
                                              "mix MIX state=on sources=1 listeners=0",
                                              "input T state=tone hz=440.00 dbfs=-6.00 listeners=0"});
  auto show = c.command("show MIX");
  REQUIRE(show.ok());
  REQUIRE(show.data.size() == 2);
  CHECK(show.data[0].starts_with("mix MIX state=on gain=0.00 listeners=0"));
  CHECK(show.data[1] == "route DJ1 gain=-6.00 muted=no");
  auto input = c.command("show DJ1");
  REQUIRE(input.data.size() == 1);
  CHECK(
      input.data[0].starts_with("input DJ1 state=idle sender=none playing=no latency_ms=20 target_ms=20 "
                                "packet_ms=0 jitter_ms=0 buffered_ms=0 "
                                "underruns=0 overruns=0"));
  for (const auto& line : list.data) CHECK_FALSE((line.starts_with("OK") || line.starts_with("ERR") || line.starts_with("*")));
}

TEST_CASE("gain, mute and mix on/off show up in show") {
  test_server server;
  control_client c(server.control_port);
  c.command("input add A");
  c.command("mix add M");
  c.command("route M A");
  CHECK(c.command("gain M A -inf").ok());
  CHECK(c.command("mute M A").ok());
  CHECK(c.command("gain M 3.5").ok());
  CHECK(c.command("mix off M").ok());
  auto show = c.command("show M");
  CHECK(show.data[0].starts_with("mix M state=off gain=3.50"));
  CHECK(show.data[1] == "route A gain=-inf muted=yes");
  CHECK(c.command("unmute M A").ok());
  CHECK(c.command("mix on M").ok());
  CHECK(c.command("show M").data[1] == "route A gain=-inf muted=no");
  CHECK(c.command("unroute M A").ok());
  CHECK(c.command("show M").data.size() == 1);
  CHECK(c.command("mix remove M").ok());
  CHECK(c.command("input remove A").ok());
  CHECK(c.command("list").data.empty());
  CHECK(c.command("input remove A").status == "ERR 404 no such input A");
}

TEST_CASE("meters report each channel's peak and RMS in dBFS") {
  test_server server;
  control_client c(server.control_port);
  c.command("input add T tone 1000 -6");
  c.command("input add IDLE");
  c.command("mix add M");
  c.command("route M T 7");
  std::this_thread::sleep_for(300ms);
  auto all = c.command("meters");
  REQUIRE(all.ok());
  REQUIRE(all.data.size() == 3);
  CHECK(all.data[0] == "IDLE peak=-inf,-inf rms=-inf,-inf clips=0");
  CHECK(all.data[1].starts_with("M peak=1.0,1.0 rms=-2.0,-2.0 clips="));
  CHECK(all.data[1].find("clips=0") == std::string::npos);  // +7 dB on a -6 dBFS peak clips
  CHECK(all.data[2] == "T peak=-6.0,-6.0 rms=-9.0,-9.0 clips=0");
  CHECK(c.command("meters T").data.size() == 1);
  CHECK(c.command("meters T NOPE").status == "ERR 404 no such channel NOPE");
}

TEST_CASE("salvos: checked and queued, then committed together or not at all") {
  test_server server;
  control_client a(server.control_port);
  control_client b(server.control_port);
  for (auto line : {"input add X tone 440", "input add Y tone 660", "mix add M", "route M X"}) REQUIRE(a.command(line).ok());
  CHECK(a.command("commit").status == "ERR 409 no salvo begun");
  REQUIRE(a.command("begin").ok());
  CHECK(a.command("begin").status == "ERR 409 salvo already begun");
  CHECK(a.command("route M Y -6").status == "OK queued");
  CHECK(a.command("mute M X").status == "OK queued");
  CHECK(a.command("route M NOPE").status == "ERR 404 salvo change 3 (route M NOPE) does not apply: no such channel NOPE");
  CHECK(a.command("input add Z").status == "ERR 400 not allowed in a salvo");
  CHECK(a.command("QUERY M ALL").data == std::vector<std::string>{"ON"});  // queries run at once; nothing applied yet
  CHECK(b.command("show M").data.size() == 2);
  CHECK(a.command("commit").status == "OK committed 2");
  CHECK(b.command("QUERY M ALL").data == std::vector<std::string>{"OFF ON"});

  REQUIRE(a.command("begin").ok());
  CHECK(a.command("unmute M X").status == "OK queued");
  CHECK(a.command("unroute M Y").status == "OK queued");
  REQUIRE(b.command("unroute M Y").ok());  // another client makes the second change stale
  CHECK(a.command("commit").status == "ERR 404 salvo change 2 (unroute M Y) does not apply: no route Y in mix M");
  CHECK(b.command("QUERY M ALL").data == std::vector<std::string>{"OFF"});  // the first change was not applied either

  REQUIRE(a.command("begin").ok());
  CHECK(a.command("unmute M X").status == "OK queued");
  CHECK(a.command("abort").status == "OK aborted");
  CHECK(b.command("QUERY M ALL").data == std::vector<std::string>{"OFF"});
}

TEST_CASE("help lists every command and explains one") {
  test_server server;
  auto all = server.command("help");
  REQUIRE(all.ok());
  CHECK(all.data.size() >= 20);
  auto route = server.command("help route");
  REQUIRE(route.data.size() == 1);
  CHECK(route.data[0].starts_with("route MIX SOURCE [GAIN_DB]"));
  CHECK(server.command("help nothing").status.starts_with("ERR 404"));
}

TEST_CASE("Kamaelia SWITCH and QUERY") {
  test_server server;
  control_client c(server.control_port);
  for (auto line : {"input add DJ1", "input add DJ2", "input add PRERECORD", "mix add MIX"}) CHECK(c.command(line).ok());
  CHECK(c.command("SWITCH MIX DJ1 ON").ok());  // routes it: Kamaelia's crosspoints always existed
  CHECK(c.command("SWITCH MIX DJ2 ON").ok());
  CHECK(c.command("SWITCH MIX PRERECORD ON").ok());
  CHECK(c.command("QUERY MIX ALL").data == std::vector<std::string>{"ON ON ON"});
  CHECK(c.command("SWITCH MIX DJ2 OFF").ok());
  CHECK(c.command("QUERY MIX ALL").data == std::vector<std::string>{"ON OFF ON"});
  CHECK(c.command("QUERY MIX DJ2").data == std::vector<std::string>{"OFF"});
  CHECK(c.command("SWITCH MIX PRERECORD ONLY").ok());
  CHECK(c.command("QUERY MIX ALL").data == std::vector<std::string>{"OFF OFF ON"});
  CHECK(c.command("SWITCH MIX ALL ON").ok());
  CHECK(c.command("QUERY MIX ALL").data == std::vector<std::string>{"ON ON ON"});
  CHECK(c.command("SWITCH MIX ALL OFF").ok());
  CHECK(c.command("QUERY MIX ALL").data == std::vector<std::string>{"OFF OFF OFF"});
  CHECK(c.command("SWITCH NOPE ALL ON").status.starts_with("ERR 404"));
  CHECK(c.command("QUERY MIX NOPE").status.starts_with("ERR 404"));
}

TEST_CASE("an over-long line gets ERR 400 line too long and the connection goes on") {
  test_server server;
  control_client c(server.control_port);
  c.socket().send(std::string(5000, 'x') + "\n");
  CHECK(c.socket().read_line(2s) == "ERR 400 line too long");
  CHECK(c.command("ping").status == "OK pong");
}

TEST_CASE("16 bad lines in a row disconnect, and good lines in between reset the count") {
  test_server server;
  control_client c(server.control_port);
  for (int i = 0; i < 15; ++i) CHECK(c.command("bad").status.starts_with("ERR 400"));
  CHECK(c.command("ping").ok());
  for (int i = 0; i < 15; ++i) c.command("bad");
  c.socket().send("bad\n");
  CHECK(c.socket().read_line(2s)->starts_with("ERR 400"));
  CHECK(c.socket().read_line(2s) == "ERR 400 too many bad lines, closing");
  CHECK(c.socket().wait_closed(2s));
  CHECK(server.command("ping").ok());
}

TEST_CASE("quit says OK bye and closes") {
  test_server server;
  control_client c(server.control_port);
  c.socket().send("quit\nping\n");
  CHECK(c.socket().read_line(2s) == "OK bye");
  CHECK(c.socket().wait_closed(2s));
}

TEST_CASE("too many control clients: ERR 503, then close") {
  test_server server({"--max-clients", "3"});  // the test server itself holds one
  control_client a(server.control_port);
  control_client b(server.control_port);
  tcp_client refused(server.control_port);
  CHECK(refused.read_line(2s) == "ERR 503 too many control clients");
  CHECK(refused.wait_closed(2s));
  CHECK(a.command("ping").ok());
}

TEST_CASE("binary garbage and abrupt disconnects do not disturb anyone else") {
  test_server server;
  std::string garbage;
  for (int i = 0; i < 100000; ++i) garbage.push_back(static_cast<char>((static_cast<unsigned>(i) * 2654435761u) >> 24));
  for (int round = 0; round < 20; ++round) {
    tcp_client rude(server.control_port);
    rude.send(garbage.substr(static_cast<std::size_t>(round) * 1000, 5000));
    rude.abort();
  }
  CHECK(server.command("ping").ok());
}

TEST_CASE("real nc and telnet clients") {
  test_server server({"--demo", "--demo-port", std::to_string(free_port())});
  const std::string port = std::to_string(server.control_port);
  const auto dir = temp_dir();
  if (have_program("nc")) {
    REQUIRE(run_shell("printf 'list\\nquit\\n' | nc -q 2 127.0.0.1 " + port + " > " + dir + "/nc.txt") == 0);
    const auto out = read_file(dir + "/nc.txt");
    CHECK(out.starts_with("* mixmatrix " MIXMATRIX_VERSION " ready (type help)\n"));
    CHECK(out.find("input DJ1 state=tone") != std::string::npos);
    CHECK(out.find("mix main state=on sources=3") != std::string::npos);
    CHECK(out.ends_with("OK\nOK bye\n"));
  } else {
    MESSAGE("nc not installed: skipped");
  }
  if (have_program("telnet")) {
    run_shell("(sleep 0.5; printf 'ping\\nQUERY main ALL\\nquit\\n'; sleep 1) | telnet 127.0.0.1 " + port + " > " +
              dir + "/telnet.txt 2>&1");
    const auto out = read_file(dir + "/telnet.txt");
    CHECK(out.find("OK pong") != std::string::npos);
    CHECK(out.find("ON ON ON") != std::string::npos);
    CHECK(out.find("OK bye") != std::string::npos);
  } else {
    MESSAGE("telnet not installed: skipped");
  }
}
