#include <doctest/doctest.h>

#include <signal.h>

#include <algorithm>
#include <fstream>
#include <tuple>

#include "tests/support/child_process.hpp"
#include "tests/support/tcp_client.hpp"
#include "tests/support/test_server.hpp"

using namespace mixmatrix::test;
using namespace std::chrono_literals;

namespace {
// Runs mixmatrixd to completion with `args`; its exit status and output.
std::pair<int, std::string> run_server(const std::vector<std::string>& args) {
  const std::string out = temp_dir() + "/out.txt";
  std::vector<std::string> argv{MIXMATRIXD_PATH, "--http", "127.0.0.1:0"};  // parallel tests: never the default port
  argv.insert(argv.end(), args.begin(), args.end());
  child_process p(argv, out);
  const int status = p.wait(10s).value_or(-1);
  return {status, read_file(out)};
}
}  // namespace

TEST_CASE("--help and --version exit 0") {
  auto [help_status, help] = run_server({"--help"});
  CHECK(help_status == 0);
  CHECK(help.find("--control ADDR:PORT") != std::string::npos);
  auto [version_status, version] = run_server({"--version"});
  CHECK(version_status == 0);
  CHECK(version == "mixmatrixd " MIXMATRIX_VERSION "\n");
}

TEST_CASE("bad arguments exit non-zero with a one-line message") {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--bogus"}, {"--rate"}, {"--rate", "fast"}, {"--block", "3"}, {"--control", "nowhere"}, {"stray"},
           {"--nice", "20"}, {"--nice", "-21"}, {"--nice", "-"}}) {
    auto [status, out] = run_server(args);
    CHECK(status == 2);
    CHECK(out.starts_with("mixmatrixd: "));
    CHECK(std::count(out.begin(), out.end(), '\n') == 1);
  }
}

TEST_CASE("a port already in use is a clear start-up error naming the address and its flag") {
  test_server first;
  const std::string control = "127.0.0.1:" + std::to_string(first.control_port);
  const std::string stream = "127.0.0.1:" + std::to_string(first.stream_port);
  const std::string http = "127.0.0.1:" + std::to_string(first.http_port);
  const std::string free = "127.0.0.1:" + std::to_string(free_port());
  auto [status, out] = run_server({"--control", control, "--stream", free, "--http", "off"});
  CHECK(status == 1);
  CHECK(out == "mixmatrixd: cannot listen on " + control + " (--control): address in use\n");
  std::tie(status, out) = run_server({"--control", free, "--stream", stream, "--http", "off"});
  CHECK(out == "mixmatrixd: cannot listen on " + stream + " (--stream): address in use\n");
  std::tie(status, out) =
      run_server({"--control", free, "--stream", "127.0.0.1:" + std::to_string(free_port()), "--http", http});
  CHECK(out == "mixmatrixd: cannot listen on " + http + " (--http): address in use\n");
}

TEST_CASE("SIGTERM shuts down cleanly with status 0") {
  test_server server({"--demo", "--demo-port", std::to_string(free_port())});
  CHECK(server.stop(SIGTERM) == 0);
  CHECK(server.log().find("caught SIGTERM") != std::string::npos);
}

TEST_CASE("SIGINT shuts down cleanly with status 0, listeners and senders connected") {
  const auto mix_port = free_port();
  test_server server;
  REQUIRE(server.command("input add IN").ok());
  REQUIRE(server.command("mix add M port " + std::to_string(mix_port)).ok());
  tcp_client listener(mix_port);
  tcp_client sender(server.stream_port);
  sender.send("SEND IN\n");
  CHECK(sender.read_line(2s) == "OK");
  CHECK(listener.read_exact(4096, 2s).size() == 4096);
  CHECK(server.stop(SIGINT) == 0);
  CHECK(server.log().find("caught SIGINT") != std::string::npos);
  CHECK(listener.wait_closed(2s));
}

TEST_CASE("--load runs a scene file, and the shipped Kamaelia scene loads") {
  const auto dir = temp_dir();
  std::ofstream(dir + "/scene.mix") << "# comment\n\ninput add A tone 440\nmix add M\nroute M A -6\n";
  test_server server({"--load", dir + "/scene.mix"});
  auto show = server.command("show M");
  REQUIRE(show.ok());
  REQUIRE(show.data.size() == 2);
  CHECK(show.data[1] == "route A gain=-6.00 muted=no");
  server.stop();
  test_server kamaelia({"--load", MIXMATRIX_SOURCE_DIR "/scenes/kamaelia.mix"});
  auto list = kamaelia.command("list");
  REQUIRE(list.data.size() == 4);
  CHECK(list.data[0] == "input DJ1 state=idle port=1701 buffered_ms=0 listeners=0");
  CHECK(list.data[2] == "mix MIX state=on sources=3 listeners=0 port=1700");
}

TEST_CASE("--load with a bad line refuses to start and names the line") {
  const auto dir = temp_dir();
  std::ofstream(dir + "/bad.mix") << "mix add M\nroute M NOWHERE\n";
  auto [status, out] = run_server({"--control", "127.0.0.1:" + std::to_string(free_port()), "--stream",
                                   "127.0.0.1:" + std::to_string(free_port()), "--load", dir + "/bad.mix"});
  CHECK(status == 1);
  CHECK(out.find("bad.mix:2: route M NOWHERE: no such channel NOWHERE") != std::string::npos);
}
