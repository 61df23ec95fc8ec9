// The drift path, short enough for every build: the clock-following claims themselves (no break,
// the level held, the offset within a few percent over tens of seconds) are test_clock_domains'
// (label `timing`); this keeps the resampling of a drifting sender in the sanitizer runs.

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include "tests/support/audio_analysis.hpp"
#include "tests/support/paced_sender.hpp"
#include "tests/support/tcp_client.hpp"
#include "tests/support/test_server.hpp"

using namespace mixmatrix::test;
using namespace std::chrono_literals;

TEST_CASE("a sender 1500 ppm fast is resampled within seconds, and its tone reaches the mix") {
  test_server server;
  REQUIRE(server.command("input add DJ1").ok());
  REQUIRE(server.command("mix add main").ok());
  REQUIRE(server.command("route main DJ1").ok());
  auto listener = server.listen("main");
  paced_sender sender(server.stream_port, sine_pcm(1000, 0.5, 1.0), "SEND DJ1\n", 1500);
  REQUIRE(server.wait_live("DJ1"));
  std::string show;
  for (int second = 0; second < 15; ++second) {
    listener.read_for(1000ms);
    show = server.command("show DJ1").data.at(0);
    // The loop's ratio, not a trim of the start's margin (which resamples below 1 for a while).
    if (show_field(show, "drift_ppm") > 0.0 && show_field(show, "ratio") > 1.0) break;
  }
  INFO(show);
  CHECK(show_field(show, "ratio") > 1.0);
  CHECK(show_field(show, "drift_ppm") > 0.0);
  const std::string pcm = listener.read_for(500ms);
  REQUIRE(pcm.size() >= 4 * 4410);
  // Its peak, not a one-bin level: resampled, the tone is some 0.3 % off its pitch for a while.
  double peak = 0;
  for (const double x : channel_samples(pcm, 0)) peak = std::max(peak, std::abs(x));
  CHECK(peak == doctest::Approx(16384).epsilon(0.05));
}
