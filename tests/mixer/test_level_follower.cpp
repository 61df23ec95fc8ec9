#include <doctest/doctest.h>

#include <cmath>
#include <cstddef>
#include <random>

#include "mixer/level_follower.hpp"

using namespace mixmatrix::mixer;

namespace {

// A card whose crystal is `slow_ppm` slower than the stream's, playing callbacks of 441 frames from
// a buffer the stream fills in blocks of 441 on its own clock. The card runs its callbacks in
// bursts of 1 to 3, up to 4 ms late, as a pipe-paced ALSA device does, so the level each one sees jumps by up to
// 30 ms: simulated time, so nothing depends on the machine. Returns the follower after `seconds`.
level_follower play(double slow_ppm, double seconds, unsigned seed) {
  constexpr double rate = 44100.0;
  constexpr std::size_t frames = 441;
  level_follower follower(44100);
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> burst(1, 3);
  std::uniform_real_distribution<double> late(0.0, 0.004);  // and up to 4 ms late
  const auto callbacks = static_cast<std::size_t>(seconds * rate / frames);
  double read = 0.0;
  const double prefill = 0.05 * rate;
  for (std::size_t k = 0; k < callbacks;) {
    const std::size_t group = std::min<std::size_t>(static_cast<std::size_t>(burst(random)), callbacks - k);
    // The group runs when its last callback is due on the card's clock, stream time.
    const double now = static_cast<double>(k + group) * frames / rate * (1.0 + slow_ppm * 1e-6) + 0.0037 + late(random);
    const double arrived = std::floor(now * rate / frames) * frames;
    for (std::size_t i = 0; i < group; ++i, ++k) {
      follower.observe(prefill + arrived - read, frames);
      read += follower.ratio() * frames;
    }
  }
  return follower;
}

}  // namespace

TEST_CASE("level_follower reports a card's offset as measured, though its callbacks come in bursts") {
  for (const double ppm : {-1000.0, -500.0, 500.0, 1000.0}) {
    for (const double seconds : {40.0, 60.0, 120.0}) {
      for (const unsigned seed : {1u, 2u, 3u}) {
        CAPTURE(ppm);
        CAPTURE(seconds);
        CAPTURE(seed);
        const auto follower = play(ppm, seconds, seed);
        CHECK(follower.drift_ppm() == doctest::Approx(ppm).epsilon(0.25));
      }
    }
  }
}

TEST_CASE("level_follower on a card that keeps the stream's clock reports nothing and reads every frame") {
  const auto follower = play(0.0, 30.0, 7);
  CHECK(follower.ratio() == 1.0);
  CHECK(std::abs(follower.drift_ppm()) < 100.0);
}
