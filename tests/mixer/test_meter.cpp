#include <doctest/doctest.h>

#include <cmath>

#include "mixer/meter.hpp"

using namespace mixmatrix::mixer;

TEST_CASE("a meter combines the blocks of its window: peak is the max, RMS over every frame") {
  meter m(4, 10);  // 4 blocks of 10 frames
  CHECK(std::isinf(m.read().peak_db[0]));
  m.record(channel_levels{{0.5f, 0.25f}, {10 * 0.25f, 0.0f}});  // left: 10 frames at 0.5
  m.record(channel_levels{{0.1f, 0.0f}, {10 * 0.01f, 0.0f}});
  const auto r = m.read();
  CHECK(r.peak_db[0] == doctest::Approx(20 * std::log10(0.5)));
  CHECK(r.peak_db[1] == doctest::Approx(20 * std::log10(0.25)));
  CHECK(r.rms_db[0] == doctest::Approx(20 * std::log10(std::sqrt((2.5 + 0.1) / 20))));
  CHECK(std::isinf(r.rms_db[1]));
}

TEST_CASE("a meter forgets blocks older than its window") {
  meter m(2, 10);
  m.record(channel_levels{{1.0f, 1.0f}, {10.0f, 10.0f}});
  for (int i = 0; i < 2; ++i) m.record(channel_levels{{0.1f, 0.1f}, {0.1f, 0.1f}});
  CHECK(m.read().peak_db[0] == doctest::Approx(-20.0));
}
