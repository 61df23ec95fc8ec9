#include <doctest/doctest.h>

#include <signal.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/child_process.hpp"
#include "tests/support/tcp_client.hpp"
#include "tests/support/test_server.hpp"

using namespace mixmatrix::test;
using namespace std::chrono_literals;

namespace {
// The parts of `show` that are the scene, without the counters and live state that change by the
// moment: every word but those keys.
std::vector<std::string> scene_of(test_server& server, const std::string& name) {
  static const std::vector<std::string> live{"frames=", "bytes=", "clips=", "drops=", "underruns=", "overruns=",
                                             "buffered_ms=", "listeners=", "playing=", "sender=", "target_ms="};
  std::vector<std::string> lines;
  for (const std::string& line : server.command("show " + name).data) {
    std::istringstream words(line);
    std::string word;
    std::string kept;
    while (words >> word) {
      const bool counter = std::any_of(live.begin(), live.end(), [&](const std::string& k) { return word.starts_with(k); });
      if (!counter) kept += (kept.empty() ? "" : " ") + word;
    }
    lines.push_back(kept);
  }
  return lines;
}
}  // namespace

TEST_CASE("--state restores every change after a restart") {
  const auto dir = temp_dir();
  const std::string state = dir + "/scene.mix";
  const auto in_port = std::to_string(free_port());
  const auto mix_port = std::to_string(free_port());
  std::vector<std::string> before;
  {
    test_server server({"--state", state});
    for (const std::string& line : std::vector<std::string>
         {"input add IN port " + in_port + " latency 40", "input add T tone 523.25 -9.5", "mix add SUB",
          "mix add MAIN port " + mix_port, "route SUB T -3", "route MAIN SUB", "route MAIN IN -inf",
          "mute MAIN SUB", "gain MAIN 2.5", "mix off SUB"}) {
      REQUIRE_MESSAGE(server.command(line).ok(), line);
    }
    for (auto name : {"IN", "T", "SUB", "MAIN"}) {
      auto lines = scene_of(server, name);
      before.insert(before.end(), lines.begin(), lines.end());
    }
    CHECK(server.stop() == 0);
  }
  test_server restarted({"--state", state});
  std::vector<std::string> after;
  for (auto name : {"IN", "T", "SUB", "MAIN"}) {
    auto lines = scene_of(restarted, name);
    after.insert(after.end(), lines.begin(), lines.end());
  }
  CHECK(after == before);
  CHECK(restarted.command("show MAIN").data[0].find("port=" + mix_port) != std::string::npos);
}

TEST_CASE("--state keeps the formats of raw ports as they were given, and the ports work in them after a restart") {
  const auto dir = temp_dir();
  const std::string state = dir + "/scene.mix";
  const auto in_port = std::to_string(free_port());
  const auto mix_port = std::to_string(free_port());
  const auto plain_port = std::to_string(free_port());
  const std::vector<std::string> lines{"input add IN port " + in_port + " format s24le 44100 1",
                                       "mix add OUT port " + mix_port + " format f32le 44100 2",
                                       "mix add PLAIN port " + plain_port, "route OUT IN"};
  std::vector<std::string> before;
  {
    test_server server({"--state", state});
    for (const auto& line : lines) REQUIRE_MESSAGE(server.command(line).ok(), line);
    for (auto name : {"IN", "OUT", "PLAIN"}) {
      auto shown = scene_of(server, name);
      before.insert(before.end(), shown.begin(), shown.end());
    }
    CHECK(server.stop() == 0);
  }
  const std::string text = read_file(state);
  for (const auto& line : {lines[0], lines[1], lines[2]}) CHECK_MESSAGE(text.find(line + "\n") != std::string::npos, line);
  test_server restarted({"--state", state});
  std::vector<std::string> after;
  for (auto name : {"IN", "OUT", "PLAIN"}) {
    auto shown = scene_of(restarted, name);
    after.insert(after.end(), shown.begin(), shown.end());
  }
  CHECK(after == before);
  CHECK(after[0].find(" port=" + in_port + " format=s24le,44100,1 ") != std::string::npos);
  // s24le mono in, f32le stereo out: 0.25 of full scale arrives as exactly 0.25 in both channels.
  tcp_client listener(static_cast<std::uint16_t>(std::stoi(mix_port)));
  listener.read_for(100ms);
  tcp_client sender(static_cast<std::uint16_t>(std::stoi(in_port)));
  const std::string quarter("\x00\x00\x20", 3);  // 0x200000 = 2^21 = 0.25 of 2^23
  std::string pcm;
  // A second at once: the input's target fits a sender's longest read (up to half its buffer).
  for (int i = 0; i < 44100; ++i) pcm += quarter;
  sender.send(pcm);
  const std::string heard = listener.read_for(800ms);
  const float expected = 0.25f;
  CHECK(heard.find(std::string(reinterpret_cast<const char*>(&expected), 4) +
                   std::string(reinterpret_cast<const char*>(&expected), 4)) != std::string::npos);
}

TEST_CASE("kill -9 right after a change: the state file is whole and current, five times over") {
  const auto dir = temp_dir();
  const std::string state = dir + "/scene.mix";
  for (int round = 0; round < 5; ++round) {
    const auto control = free_port();
    child_process server({MIXMATRIXD_PATH, "--control", "127.0.0.1:" + std::to_string(control), "--stream",
                          "127.0.0.1:" + std::to_string(free_port()), "--http", "127.0.0.1:0", "--state", state},
                         dir + "/log.txt");
    std::unique_ptr<control_client> c;
    for (int attempt = 0; attempt < 300 && !c; ++attempt) {
      try {
        c = std::make_unique<control_client>(control);
      } catch (const std::exception&) {
        std::this_thread::sleep_for(10ms);
      }
    }
    REQUIRE(c);
    if (round == 0) {
      REQUIRE(c->command("input add A tone 440").ok());
      REQUIRE(c->command("mix add M").ok());
    }
    const std::string gain = std::to_string(-round - 1);
    REQUIRE(c->command("route M A " + gain).ok());
    const auto expected = c->command("show M").data[1];
    server.signal(SIGKILL);
    server.wait(5s);
    const std::string text = read_file(state);
    CHECK(text.find("route M A " + gain + ".00\n") != std::string::npos);
    CHECK(text.ends_with("\n"));
    test_server check({"--state", state});
    CHECK(check.command("show M").data[1] == expected);
  }
}

TEST_CASE("a malformed state file stops the start, names the line, and is left untouched") {
  const auto dir = temp_dir();
  const std::string state = dir + "/scene.mix";
  const std::string text = "input add A tone 440\nroute NOWHERE A\n";
  std::ofstream(state) << text;
  child_process server({MIXMATRIXD_PATH, "--control", "127.0.0.1:" + std::to_string(free_port()), "--stream",
                        "127.0.0.1:" + std::to_string(free_port()), "--http", "127.0.0.1:0", "--state", state},
                       dir + "/log.txt");
  CHECK(server.wait(5s) == 1);
  CHECK(read_file(dir + "/log.txt").find("scene.mix:2: route NOWHERE A: no such mix NOWHERE") != std::string::npos);
  CHECK(read_file(state) == text);
}

TEST_CASE("save and load") {
  const auto dir = temp_dir();
  test_server server;
  server.command("input add A tone 440");
  server.command("mix add M");
  server.command("route M A -6");
  CHECK(server.command("save").status == "ERR 400 no PATH given and no --state file");
  REQUIRE(server.command("save \"" + dir + "/my scene.mix\"").ok());
  const std::string text = read_file(dir + "/my scene.mix");
  CHECK(text.find("input add A tone 440 -12\nmix add M\nroute M A -6.00\n") != std::string::npos);
  CHECK(server.command("save /nonexistent/dir/x.mix").status.starts_with("ERR 500 cannot create"));
  test_server other;
  REQUIRE(other.command("load \"" + dir + "/my scene.mix\"").ok());
  CHECK(other.command("show M").data[1] == "route A gain=-6.00 muted=no");
  CHECK(other.command("load \"" + dir + "/my scene.mix\"").status.starts_with("ERR 409"));
  CHECK(other.command("load /nonexistent.mix").status == "ERR 404 cannot read /nonexistent.mix");
}
