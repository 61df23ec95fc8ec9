#include <doctest/doctest.h>

#include "tests/support/child_process.hpp"
#include "tests/support/test_server.hpp"

using namespace mixmatrix::test;
using namespace std::chrono_literals;

namespace {
// Runs mixctl with `args` (and `input` on stdin); its exit status and output.
std::pair<int, std::string> mixctl(const std::string& args, const std::string& input = "") {
  const auto dir = temp_dir();
  const std::string command = "printf '" + input + "' | " MIXCTL_PATH " " + args + " > " + dir + "/out.txt 2>&1";
  const int status = run_shell(command, 10s);
  return {status, read_file(dir + "/out.txt")};
}
}  // namespace

TEST_CASE("mixctl runs one command: exit 0 on OK, 1 on ERR, 2 when it cannot connect") {
  test_server server;
  const std::string at = "--server 127.0.0.1:" + std::to_string(server.control_port);
  auto [added, out] = mixctl(at + " input add \"DJ1\" tone 440");
  CHECK(added == 0);
  CHECK(out == "OK\n");
  auto [listed, list] = mixctl(at + " list");
  CHECK(listed == 0);
  CHECK(list == "input DJ1 state=tone hz=440.00 dbfs=-12.00 listeners=0\nOK\n");
  auto [missing, error] = mixctl(at + " show NOPE");
  CHECK(missing == 1);
  CHECK(error == "ERR 404 no such channel NOPE\n");
  auto [refused, why] = mixctl("--server 127.0.0.1:" + std::to_string(free_port()) + " ping");
  CHECK(refused == 2);
  CHECK(why.find("Connection refused") != std::string::npos);
  auto [bad, usage] = mixctl("--bogus");
  CHECK(bad == 2);
}

TEST_CASE("mixctl reads commands from stdin, one per line") {
  test_server server;
  const std::string at = "--server 127.0.0.1:" + std::to_string(server.control_port);
  auto [status, out] = mixctl(at, "mix add M\\nping\\n\\nQUERY M ALL\\n");
  CHECK(status == 0);
  CHECK(out == "OK\nOK pong\n\nOK\n");
  auto [failed, _] = mixctl(at, "ping\\nshow NOPE\\nping\\n");
  CHECK(failed == 1);
}

TEST_CASE("mixctl authenticates with --password") {
  const std::string file = temp_dir() + "/password";
  run_shell("echo secret > " + file);
  test_server server({"--password-file", file});
  const std::string at = "--server 127.0.0.1:" + std::to_string(server.control_port);
  CHECK(mixctl(at + " list").first == 1);
  CHECK(mixctl(at + " --password secret list").first == 0);
  CHECK(mixctl(at + " --password wrong list").first == 1);
}

TEST_CASE("mixctl sends the files it names as absolute paths, and --server takes a bare port") {
  test_server server;
  const auto dir = temp_dir();
  const std::string at = "--server " + std::to_string(server.control_port);
  REQUIRE(server.command("input add T tone 440").ok());
  // From another folder than the server's: the file lands where this shell is, and the answer says so.
  const auto run = [&](const std::string& args) {
    REQUIRE(run_shell("cd " + dir + " && " MIXCTL_PATH " " + at + " " + args + " > out.txt 2>&1", 10s) == 0);
    return read_file(dir + "/out.txt");
  };
  CHECK(run("record T take.wav") == "OK recording to " + dir + "/take.wav\n");
  CHECK(run("stop T").starts_with("recorded " + dir + "/take.wav"));
  CHECK(!read_file(dir + "/take.wav").empty());
  CHECK(run("input add F file ./take.wav") == "OK playing " + dir + "/take.wav\n");
  CHECK(run("save scene.mix") == "OK saved to " + dir + "/scene.mix\n");
  CHECK(read_file(dir + "/scene.mix").find("input add F file " + dir + "/take.wav") != std::string::npos);
}
