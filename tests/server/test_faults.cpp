// The operator's nightmare, on purpose: garbage on every port, a hundred aborted connections and a
// listener that never reads, while a good listener records a tone. The good listener must not notice.

#include <doctest/doctest.h>

#include <atomic>
#include <random>
#include <thread>

#include "tests/support/audio_analysis.hpp"
#include "tests/support/sanitizers.hpp"
#include "tests/support/tcp_client.hpp"
#include "tests/support/test_server.hpp"

using namespace mixmatrix::test;
using namespace std::chrono_literals;

namespace {
constexpr auto allowed_gap = gap_bound(50ms);
}  // namespace

TEST_CASE("faults on every port leave a good listener's audio whole") {
  const auto mix_port = free_port();
  const auto raw_port = free_port();
  test_server server({"--listener-timeout", "1000"});
  REQUIRE(server.command("input add T tone 1000 -6").ok());
  REQUIRE(server.command("input add X port " + std::to_string(raw_port)).ok());
  REQUIRE(server.command("mix add M port " + std::to_string(mix_port)).ok());
  REQUIRE(server.command("mix add GARBAGE").ok());
  REQUIRE(server.command("route M T").ok());
  REQUIRE(server.command("route GARBAGE X").ok());

  std::atomic<bool> recording{true};
  std::string heard;
  std::chrono::steady_clock::duration longest_gap{};
  tcp_client good(mix_port);
  good.read_for(200ms);
  std::thread recorder([&] {
    auto last = std::chrono::steady_clock::now();
    while (recording) {
      const std::string bytes = good.read_for(1ms);
      if (bytes.empty()) continue;
      const auto now = std::chrono::steady_clock::now();
      longest_gap = std::max(longest_gap, now - last);
      last = now;
      heard += bytes;
    }
  });

  tcp_client unread(mix_port);
  unread.set_receive_buffer(4096);
  std::mt19937 random(2005);
  auto garbage = [&](std::size_t n) {
    std::string bytes(n, '\0');
    for (auto& b : bytes) b = static_cast<char>(random());
    return bytes;
  };
  for (int round = 0; round < 100; ++round) {
    for (auto port : {server.control_port, server.stream_port, raw_port}) {
      tcp_client rude(port);
      rude.send(garbage(1 + random() % 3000));
      if (round % 2) rude.abort();  // half reset, half close politely
    }
  }
  std::this_thread::sleep_for(3s);  // the unread listener fills its buffers and times out meanwhile
  recording = false;
  recorder.join();

  MESSAGE("longest gap between arrivals: " << std::chrono::duration<double, std::milli>(longest_gap).count() << " ms");
  CHECK(longest_gap < allowed_gap);
  CHECK(longest_silence_frames(heard) <= 1);
  const auto left = channel_samples(heard, 0);
  for (std::size_t at = 0; at + 44100 <= left.size(); at += 22050) {
    const std::vector<double> second(left.begin() + static_cast<std::ptrdiff_t>(at),
                                     left.begin() + static_cast<std::ptrdiff_t>(at + 44100));
    CHECK(tone_dbfs(second, 44100, 1000) == doctest::Approx(-6.02).epsilon(0.01));
  }
  CHECK(server.command("ping").status == "OK pong");
  CHECK(server.log().find("stopped reading; disconnected") != std::string::npos);
}
