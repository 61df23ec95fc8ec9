#include <doctest/doctest.h>

#include <fstream>
#include <thread>

#include "tests/support/child_process.hpp"
#include "tests/support/tcp_client.hpp"
#include "tests/support/test_server.hpp"

using namespace mixmatrix::test;
using namespace std::chrono_literals;

namespace {
std::string password_file() {
  const std::string path = temp_dir() + "/password";
  std::ofstream(path) << "s3cret horse\n";
  return path;
}
}  // namespace

TEST_CASE("with a password, the control port answers only help, auth and quit until auth succeeds") {
  test_server server({"--password-file", password_file()});
  control_client c(server.control_port);
  CHECK(c.command("list").status == "ERR 401 authentication required (auth PASSWORD)");
  CHECK(c.command("help ping").ok());
  const auto start = std::chrono::steady_clock::now();
  CHECK(c.command("auth wrong").status == "ERR 401 authentication failed");
  CHECK(std::chrono::steady_clock::now() - start >= 900ms);  // failures are slowed
  CHECK(c.command("list").status.starts_with("ERR 401"));
  CHECK(c.command("auth \"s3cret horse\"").status == "OK authenticated");
  CHECK(c.command("list").ok());
  CHECK(server.log().find("wrong password") != std::string::npos);
}

TEST_CASE("with a password, the stream port wants AUTH first") {
  test_server server({"--password-file", password_file()});
  {
    tcp_client client(server.stream_port);
    client.send("SEND A\n");
    CHECK(client.read_line(2s) == "ERR 401 authentication required (AUTH PASSWORD)");
    CHECK(client.wait_closed(2s));
  }
  {
    tcp_client client(server.stream_port);
    client.send("AUTH nope\nSEND A\n");
    CHECK(client.read_line(3s) == "ERR 401 authentication failed");
    CHECK(client.wait_closed(2s));
  }
  tcp_client client(server.stream_port);
  client.send("AUTH \"s3cret horse\"\nSEND A\n");
  CHECK(client.read_line(2s) == "OK");
  CHECK(client.read_line(2s) == "OK");
  server.command("auth \"s3cret horse\"");
  CHECK(server.command("show A").data[0].starts_with("input A state=live"));
}

TEST_CASE("protected mode: no non-loopback address without a password, unless --insecure") {
  const auto dir = temp_dir();
  const std::string control = "0.0.0.0:" + std::to_string(free_port());
  const std::string stream = "127.0.0.1:" + std::to_string(free_port());
  child_process refused({MIXMATRIXD_PATH, "--control", control, "--stream", stream, "--http", "127.0.0.1:0"},
                        dir + "/refused.txt");
  CHECK(refused.wait(5s) == 1);
  CHECK(read_file(dir + "/refused.txt").find("protected mode") != std::string::npos);
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{"--insecure"}, std::vector<std::string>{"--password-file", password_file()}}) {
    std::vector<std::string> argv{MIXMATRIXD_PATH, "--control", control, "--stream", stream, "--http", "127.0.0.1:0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    child_process started(argv, dir + "/started.txt");
    std::this_thread::sleep_for(300ms);
    CHECK(started.running());
    started.signal(15);
    CHECK(started.wait(5s) == 0);
  }
}
