#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "mixer/mix_kernels.hpp"

using namespace mixmatrix::mixer;

TEST_CASE("s16_to_float and back is exact for every int16") {
  std::vector<std::int16_t> in;
  for (int v = -32768; v <= 32767; ++v) in.push_back(static_cast<std::int16_t>(v));
  std::vector<float> f(in.size());
  std::vector<std::int16_t> out(in.size());
  s16_to_float(in, f);
  CHECK(f.front() == -1.0f);
  CHECK(float_to_s16(f, out) == 0);
  CHECK(out == in);
}

TEST_CASE("float_to_s16 saturates instead of wrapping, and counts clips") {
  std::vector<float> in{1.0f, 1.5f, -1.0f, -1.0001f, 0.99997f, -2.0f, std::numeric_limits<float>::quiet_NaN()};
  std::vector<std::int16_t> out(in.size());
  CHECK(float_to_s16(in, out) == 4);  // 1.0 (32768 > 32767), 1.5, -1.0001, -2.0
  CHECK(out[0] == 32767);
  CHECK(out[1] == 32767);
  CHECK(out[2] == -32768);
  CHECK(out[3] == -32768);
  CHECK(out[4] == 32767);
  CHECK(out[5] == -32768);
  CHECK(out[6] == 0);
}

TEST_CASE("accumulate adds gain times source, and a ramp ends on its target") {
  std::vector<float> acc(8, 0.5f);
  std::vector<float> src(8, 1.0f);
  accumulate(acc, src, 0.25f, 0.25f);
  for (float x : acc) CHECK(x == 0.75f);
  std::vector<float> ramp(8, 0.0f);
  accumulate(ramp, src, 0.0f, 1.0f);  // 4 frames: 0.25, 0.5, 0.75, 1.0 on both channels
  CHECK(ramp[0] == 0.25f);
  CHECK(ramp[1] == 0.25f);
  CHECK(ramp[4] == 0.75f);
  CHECK(ramp[6] == 1.0f);
  CHECK(ramp[7] == 1.0f);
}

TEST_CASE("apply_gain scales in place with a per-frame ramp") {
  std::vector<float> buf(4, 1.0f);
  apply_gain(buf, 1.0f, 0.0f);  // 2 frames: 0.5, 0.0
  CHECK(buf[0] == 0.5f);
  CHECK(buf[1] == 0.5f);
  CHECK(buf[2] == 0.0f);
  CHECK(buf[3] == 0.0f);
}
