// Out of file descriptors, as `prlimit --nofile=64` makes it: new connections are refused at once,
// what is connected carries on, and service comes back as descriptors free up.

#include <doctest/doctest.h>

#include <csignal>
#include <memory>
#include <thread>
#include <vector>

#include "tests/support/child_process.hpp"
#include "tests/support/sanitizers.hpp"
#include "tests/support/tcp_client.hpp"

using namespace mixmatrix::test;
using namespace std::chrono_literals;

namespace {
std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}
}  // namespace

// UBSan's vptr check reads memory through a pipe it opens; with no descriptor left it cannot, and
// reports every virtual call as a bad vptr. So the ASan+UBSan build leaves this test to the others.
TEST_CASE("out of descriptors: new connections are refused, connected clients and listeners carry on" *
          doctest::skip(asan_build)) {
  REQUIRE(have_program("prlimit"));
  const auto dir = temp_dir();
  const auto control = free_port();
  const auto mix_port = free_port();
  child_process server({"prlimit", "--nofile=64", MIXMATRIXD_PATH, "--control", "127.0.0.1:" + std::to_string(control),
                        "--stream", "127.0.0.1:" + std::to_string(free_port()), "--http", "off", "--max-clients", "1000",
                        "--demo", "--demo-port", std::to_string(mix_port), "--rt-priority", "0"},
                       dir + "/log.txt");
  std::unique_ptr<tcp_client> first;
  for (int attempt = 0; attempt < 300 && !first; ++attempt) {
    try {
      first = std::make_unique<tcp_client>(control);
    } catch (const std::exception&) {
      std::this_thread::sleep_for(10ms);
    }
  }
  REQUIRE(first);
  REQUIRE(first->read_line(2s).value_or("").starts_with("* mixmatrix"));
  tcp_client listener(mix_port);
  REQUIRE(listener.read_exact(4096, 2s).size() == 4096);

  // Connect until the server has no descriptor left for the next one: that one is closed at once,
  // without a greeting, rather than left waiting in the backlog.
  std::vector<std::unique_ptr<tcp_client>> clients;
  const auto started = std::chrono::steady_clock::now();
  int refused = 0;
  for (int i = 0; i < 100 && refused < 20; ++i) {
    auto c = std::make_unique<tcp_client>(control);
    if (c->read_line(2s)) {
      clients.push_back(std::move(c));
    } else {
      ++refused;
    }
  }
  const auto elapsed = std::chrono::steady_clock::now() - started;
  CHECK(refused == 20);
  CHECK(clients.size() < 64);
  CHECK(elapsed < 10s);  // refused, not timed out one by one

  // What is connected carries on: the first control client answers, the listener keeps its audio.
  REQUIRE(first->send("stats\n"));
  const auto stats = first->read_line(2s).value_or("");
  CHECK(stats.find(" max_fds=64") != std::string::npos);
  CHECK(listener.read_exact(44100 * 4 / 2, 2s).size() == 44100 * 4 / 2);

  // Free some: new connections work again.
  clients.resize(clients.size() - 5);
  std::this_thread::sleep_for(200ms);
  tcp_client again(control);
  CHECK(again.read_line(2s).value_or("").starts_with("* mixmatrix"));

  server.signal(SIGTERM);
  CHECK(server.wait(5s) == 0);
  const std::string log = read_file(dir + "/log.txt");
  // Said once a second at most: the first of the second is "; connection refused", or "; retrying"
  // where the spare descriptor could not be had back at that moment (CI saw that once; the 20
  // connections were refused all the same).
  CHECK(log.find("accept on 127.0.0.1:" + std::to_string(control) + ": Too many open files; ") !=
        std::string::npos);
  // At most a line a second, however many were refused.
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started);
  CHECK(count(log, "Too many open files") <= static_cast<std::size_t>(seconds.count()) + 2);
}
