#include <doctest/doctest.h>

#include <algorithm>
#include <thread>

#include "tests/support/tcp_client.hpp"
#include "tests/support/test_server.hpp"

using namespace mixmatrix::test;
using namespace std::chrono_literals;

namespace {
// Event lines (without "* ") that arrive within `time`.
std::vector<std::string> events(control_client& c, std::chrono::milliseconds time) {
  std::vector<std::string> out;
  const auto until = std::chrono::steady_clock::now() + time;
  while (std::chrono::steady_clock::now() < until) {
    auto line = c.socket().read_line(std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()) + 1ms);
    if (line && line->starts_with("* ")) out.push_back(line->substr(2));
  }
  return out;
}
bool has(const std::vector<std::string>& lines, const std::string& prefix) {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.starts_with(prefix); });
}
}  // namespace

TEST_CASE("watch: changes by any client, inputs going live and idle, listeners coming and going") {
  const auto mix_port = free_port();
  test_server server;
  control_client watcher(server.control_port);
  CHECK(watcher.command("watch").status == "OK watching");
  control_client other(server.control_port);
  other.command("mix add M port " + std::to_string(mix_port));
  other.command("route M NOWHERE");  // a failed change is not announced
  {
    tcp_client sender(server.stream_port);
    sender.send("SEND A\n");
    sender.read_line(2s);
    tcp_client listener(mix_port);
    std::this_thread::sleep_for(100ms);
  }
  auto seen = events(watcher, 500ms);
  CHECK(has(seen, "changed mix add M port " + std::to_string(mix_port) + " (by 127.0.0.1:"));
  CHECK_FALSE(has(seen, "changed route M NOWHERE"));
  CHECK(has(seen, "changed input add A (by SEND)"));
  CHECK(has(seen, "input A live (127.0.0.1:"));
  CHECK(has(seen, "input A idle"));
  CHECK(has(seen, "listener 127.0.0.1:"));
  CHECK(watcher.command("unwatch").ok());
  other.command("mix off M");
  CHECK(events(watcher, 300ms).empty());
}

TEST_CASE("watch meters: ten meter lines a second") {
  test_server server;
  server.command("input add T tone 1000 -6");
  control_client watcher(server.control_port);
  CHECK(watcher.command("watch meters").status == "OK watching, with meters");
  const auto seen = events(watcher, 1000ms);
  const auto meters = std::count_if(seen.begin(), seen.end(), [](const std::string& l) { return l.starts_with("meter T peak=-6.0"); });
  CHECK(meters >= 7);
  CHECK(meters <= 11);
}

TEST_CASE("stats: the engine and every channel's counters") {
  test_server server;
  server.command("input add T tone 1000 -6");
  server.command("mix add M");
  std::this_thread::sleep_for(200ms);
  auto stats = server.command("stats");
  REQUIRE(stats.ok());
  REQUIRE(stats.data.size() == 3);
  CHECK(stats.data[0].starts_with("server uptime_s="));
  CHECK(stats.data[0].find(" late_ticks=") != std::string::npos);
  CHECK(stats.data[0].find(" kernels=") != std::string::npos);
  CHECK(stats.data[1].starts_with("channel M kind=mix frames="));
  CHECK(stats.data[2].starts_with("channel T kind=input frames="));
}

TEST_CASE("the channel limit: ERR 503, and everyone else keeps working") {
  test_server server({"--max-channels", "2"});
  CHECK(server.command("input add A tone 440").ok());
  CHECK(server.command("mix add M").ok());
  CHECK(server.command("mix add N").status == "ERR 503 channel limit reached (2)");
  tcp_client sender(server.stream_port);
  sender.send("SEND B\n");
  CHECK(sender.read_line(2s) == "ERR 503 channel limit reached (2)");
  CHECK(server.command("route M A").ok());
}
