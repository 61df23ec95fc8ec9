#pragma once

// The kernels, written once over a vector type V that each instruction set's translation unit
// defines (scalar.cpp, sse2.cpp, avx2.cpp, avx512.cpp) before including this file. V provides:
//   width; using f (float lanes), i (int32 lanes); load, store, set1, set2 (left, right, left, ...:
//   lanes alternate channels, as interleaved samples do), add, mul, madd (a*b+c: fused
//   where the set has FMA), abs, max, min, lane_offsets (1,1,2,2,3,3,...: the frame of each lane
//   counted from 1), load_s16 (width int16 to float), to_int (round to nearest even), store_s16
//   (width int32 to int16, saturating), count_outside (lanes < -32768 or > 32767), to_array.
// Each kernel runs the vector body, then the same arithmetic one sample at a time for the tail.

#include <cstddef>
#include <cstdint>

#include "mixer/kernels/kernel_set.hpp"

namespace mixmatrix::mixer::kernels_impl {
namespace {
// Internal linkage and compiler builtins on purpose: an inline function shared with other
// translation units (std::clamp, even std::nearbyint) instantiated here with AVX enabled could be
// the copy the linker keeps for the whole program, and fault on a CPU without AVX.
inline float clamp_float(float x, float low, float high) { return x < low ? low : (x > high ? high : x); }
inline float max_float(float a, float b) { return a < b ? b : a; }
}  // namespace

template <class V>
void s16_to_float(const std::int16_t* in, float* out, std::size_t samples) {
  const auto scale = V::set1(1.0f / 32768.0f);
  std::size_t i = 0;
  for (; i + V::width <= samples; i += V::width) V::store(out + i, V::mul(V::load_s16(in + i), scale));
  for (; i < samples; ++i) out[i] = static_cast<float>(in[i]) * (1.0f / 32768.0f);
}

// Four sources a pass: the mix bus is loaded and stored once for every four sources summed.
template <class V>
void mix(float* acc, const float* const* sources, const float* gains, std::size_t count, std::size_t samples) {
  std::size_t s = 0;
  for (; s + 4 <= count; s += 4) {
    const float* a = sources[s];
    const float* b = sources[s + 1];
    const float* c = sources[s + 2];
    const float* d = sources[s + 3];
    const auto ga = V::set1(gains[s]);
    const auto gb = V::set1(gains[s + 1]);
    const auto gc = V::set1(gains[s + 2]);
    const auto gd = V::set1(gains[s + 3]);
    std::size_t i = 0;
    for (; i + V::width <= samples; i += V::width) {
      auto x = V::load(acc + i);
      x = V::madd(ga, V::load(a + i), x);
      x = V::madd(gb, V::load(b + i), x);
      x = V::madd(gc, V::load(c + i), x);
      x = V::madd(gd, V::load(d + i), x);
      V::store(acc + i, x);
    }
    for (; i < samples; ++i) {
      float x = acc[i];
      x = V::madd1(gains[s], a[i], x);
      x = V::madd1(gains[s + 1], b[i], x);
      x = V::madd1(gains[s + 2], c[i], x);
      x = V::madd1(gains[s + 3], d[i], x);
      acc[i] = x;
    }
  }
  for (; s < count; ++s) {
    const float* a = sources[s];
    const auto ga = V::set1(gains[s]);
    std::size_t i = 0;
    for (; i + V::width <= samples; i += V::width) V::store(acc + i, V::madd(ga, V::load(a + i), V::load(acc + i)));
    for (; i < samples; ++i) acc[i] = V::madd1(gains[s], a[i], acc[i]);
  }
}

// As mix over s16_to_float of each source, bit for bit (x / 32768 is exact), without writing the
// float copies: two sources a pass.
template <class V>
void mix_s16(float* acc, const std::int16_t* const* sources, const float* gains, std::size_t count, std::size_t samples) {
  const auto scale = V::set1(1.0f / 32768.0f);
  std::size_t s = 0;
  for (; s + 2 <= count; s += 2) {
    const std::int16_t* a = sources[s];
    const std::int16_t* b = sources[s + 1];
    const auto ga = V::set1(gains[s]);
    const auto gb = V::set1(gains[s + 1]);
    std::size_t i = 0;
    for (; i + V::width <= samples; i += V::width) {
      auto x = V::load(acc + i);
      x = V::madd(ga, V::mul(V::load_s16(a + i), scale), x);
      x = V::madd(gb, V::mul(V::load_s16(b + i), scale), x);
      V::store(acc + i, x);
    }
    for (; i < samples; ++i) {
      float x = acc[i];
      x = V::madd1(gains[s], static_cast<float>(a[i]) * (1.0f / 32768.0f), x);
      x = V::madd1(gains[s + 1], static_cast<float>(b[i]) * (1.0f / 32768.0f), x);
      acc[i] = x;
    }
  }
  for (; s < count; ++s) {
    const std::int16_t* a = sources[s];
    const auto ga = V::set1(gains[s]);
    std::size_t i = 0;
    for (; i + V::width <= samples; i += V::width) {
      V::store(acc + i, V::madd(ga, V::mul(V::load_s16(a + i), scale), V::load(acc + i)));
    }
    for (; i < samples; ++i) acc[i] = V::madd1(gains[s], static_cast<float>(a[i]) * (1.0f / 32768.0f), acc[i]);
  }
}

// mix with a gain per channel: the gain vectors alternate left and right, as the samples do.
template <class V>
void mix_stereo(float* acc, const float* const* sources, const float* left, const float* right, std::size_t count,
                std::size_t samples) {
  std::size_t s = 0;
  for (; s + 4 <= count; s += 4) {
    const float* a = sources[s];
    const float* b = sources[s + 1];
    const float* c = sources[s + 2];
    const float* d = sources[s + 3];
    const auto ga = V::set2(left[s], right[s]);
    const auto gb = V::set2(left[s + 1], right[s + 1]);
    const auto gc = V::set2(left[s + 2], right[s + 2]);
    const auto gd = V::set2(left[s + 3], right[s + 3]);
    std::size_t i = 0;
    for (; i + V::width <= samples; i += V::width) {
      auto x = V::load(acc + i);
      x = V::madd(ga, V::load(a + i), x);
      x = V::madd(gb, V::load(b + i), x);
      x = V::madd(gc, V::load(c + i), x);
      x = V::madd(gd, V::load(d + i), x);
      V::store(acc + i, x);
    }
    for (; i < samples; ++i) {
      const float* g = i % 2 ? right : left;
      float x = acc[i];
      x = V::madd1(g[s], a[i], x);
      x = V::madd1(g[s + 1], b[i], x);
      x = V::madd1(g[s + 2], c[i], x);
      x = V::madd1(g[s + 3], d[i], x);
      acc[i] = x;
    }
  }
  for (; s < count; ++s) {
    const float* a = sources[s];
    const auto ga = V::set2(left[s], right[s]);
    std::size_t i = 0;
    for (; i + V::width <= samples; i += V::width) V::store(acc + i, V::madd(ga, V::load(a + i), V::load(acc + i)));
    for (; i < samples; ++i) acc[i] = V::madd1(i % 2 ? right[s] : left[s], a[i], acc[i]);
  }
}

// Walks a ramp of each channel: the gain of frame f (from 0) is from + step * (f + 1), the last
// frame gets `to` exactly; `each_vector(i, gains)` and `each_sample(i, gain)` do the work at
// sample i. With equal channels every lane computes what a mono ramp would.
template <class V, class VectorStep, class SampleStep>
void ramp(std::size_t samples, const float (&from)[2], const float (&to)[2], VectorStep each_vector,
          SampleStep each_sample) {
  const std::size_t frames = samples / 2;
  if (frames == 0) return;
  const float step[2] = {(to[0] - from[0]) / static_cast<float>(frames), (to[1] - from[1]) / static_cast<float>(frames)};
  const auto start = V::set2(from[0], from[1]);
  const auto slope = V::set2(step[0], step[1]);
  const std::size_t body = samples - 2;
  std::size_t i = 0;
  for (; i + V::width <= body; i += V::width) {
    const auto frame = V::add(V::set1(static_cast<float>(i / 2)), V::lane_offsets());
    each_vector(i, V::add(start, V::mul(slope, frame)));
  }
  for (; i < body; ++i) each_sample(i, from[i % 2] + step[i % 2] * static_cast<float>(i / 2 + 1));
  each_sample(body, to[0]);
  each_sample(body + 1, to[1]);
}

template <class V>
void mix_ramp_stereo(float* acc, const float* source, std::size_t samples, float from_left, float to_left,
                     float from_right, float to_right) {
  ramp<V>(
      samples, {from_left, from_right}, {to_left, to_right},
      [&](std::size_t i, auto gain) { V::store(acc + i, V::madd(gain, V::load(source + i), V::load(acc + i))); },
      [&](std::size_t i, float gain) { acc[i] = V::madd1(gain, source[i], acc[i]); });
}

template <class V>
void mix_ramp(float* acc, const float* source, std::size_t samples, float from, float to) {
  mix_ramp_stereo<V>(acc, source, samples, from, to, from, to);
}

template <class V>
void mix_into(float* out, const float* acc, const float* source, float gain, std::size_t samples) {
  const auto g = V::set1(gain);
  std::size_t i = 0;
  for (; i + V::width <= samples; i += V::width) V::store(out + i, V::madd(g, V::load(source + i), V::load(acc + i)));
  for (; i < samples; ++i) out[i] = V::madd1(gain, source[i], acc[i]);
}

template <class V>
void apply_gain(float* buf, std::size_t samples, float from, float to) {
  if (from == to) {
    if (from == 1.0f) return;
    const auto g = V::set1(from);
    std::size_t i = 0;
    for (; i + V::width <= samples; i += V::width) V::store(buf + i, V::mul(V::load(buf + i), g));
    for (; i < samples; ++i) buf[i] *= from;
    return;
  }
  ramp<V>(
      samples, {from, from}, {to, to}, [&](std::size_t i, auto gain) { V::store(buf + i, V::mul(V::load(buf + i), gain)); },
      [&](std::size_t i, float gain) { buf[i] *= gain; });
}

// Clamped to one step beyond full scale before the conversion, so out-of-range values neither
// overflow int32 nor hide from the clip count; the int16 store then saturates.
template <class V>
std::uint64_t float_to_s16(const float* in, std::int16_t* out, std::size_t samples) {
  const auto scale = V::set1(32768.0f);
  const auto low = V::set1(-32769.0f);
  const auto high = V::set1(32768.0f);
  std::uint64_t clips = 0;
  std::size_t i = 0;
  for (; i + V::width <= samples; i += V::width) {
    const auto rounded = V::to_int(V::min(V::max(V::mul(V::load(in + i), scale), low), high));
    clips += V::count_outside(rounded);
    V::store_s16(out + i, rounded);
  }
  for (; i < samples; ++i) {
    const float scaled = __builtin_nearbyintf(clamp_float(in[i] * 32768.0f, -32769.0f, 32768.0f));
    clips += scaled > 32767.0f || scaled < -32768.0f;
    out[i] = static_cast<std::int16_t>(clamp_float(scaled, -32768.0f, 32767.0f));
  }
  return clips;
}

template <class V>
channel_levels measure(const float* in, std::size_t samples) {
  auto peak = V::set1(0.0f);
  auto squares = V::set1(0.0f);
  std::size_t i = 0;
  for (; i + V::width <= samples; i += V::width) {
    const auto x = V::load(in + i);
    peak = V::max(peak, V::abs(x));
    squares = V::madd(x, x, squares);
  }
  float p[V::width];
  float q[V::width];
  V::to_array(peak, p);
  V::to_array(squares, q);
  channel_levels levels{{0.0f, 0.0f}, {0.0f, 0.0f}};
  for (std::size_t lane = 0; lane < V::width; ++lane) {
    levels.peak[lane % 2] = max_float(levels.peak[lane % 2], p[lane]);
    levels.sum_squares[lane % 2] += q[lane];
  }
  for (; i < samples; ++i) {
    levels.peak[i % 2] = max_float(levels.peak[i % 2], __builtin_fabsf(in[i]));
    levels.sum_squares[i % 2] = V::madd1(in[i], in[i], levels.sum_squares[i % 2]);
  }
  return levels;
}

// One output frame per step of `step` input frames from `position`: a dot product of the taps
// around it with the filter phase interpolated linearly between the two nearest table rows.
// Lanes alternate channels, as the samples and the table's duplicated coefficients do.
// resample_frames takes any ratio, a frame at a time, summing the taps across lanes.
template <class V>
void resample_frames(const float* in, const float* table, std::size_t taps, std::size_t phases, double position,
                     double step, float* out, std::size_t from, std::size_t to) {
  const std::size_t row = 4 * taps;  // a phase's coefficients, then their differences to the next
  for (std::size_t n = from; n < to; ++n) {
    const double at = position + static_cast<double>(n) * step;
    const auto whole = static_cast<std::size_t>(at);
    const double phase = (at - static_cast<double>(whole)) * static_cast<double>(phases);
    const auto j = static_cast<std::size_t>(phase);
    const auto weight = V::set1(static_cast<float>(phase - static_cast<double>(j)));
    const float* h = table + j * row;
    const float* d = h + 2 * taps;
    const float* x = in + 2 * (whole + 1 - taps / 2);
    auto a = V::set1(0.0f);
    auto b = V::set1(0.0f);
    std::size_t k = 0;
    for (; k + 2 * V::width <= 2 * taps; k += 2 * V::width) {
      a = V::madd(V::madd(weight, V::load(d + k), V::load(h + k)), V::load(x + k), a);
      b = V::madd(V::madd(weight, V::load(d + k + V::width), V::load(h + k + V::width)), V::load(x + k + V::width), b);
    }
    for (; k < 2 * taps; k += V::width) a = V::madd(V::madd(weight, V::load(d + k), V::load(h + k)), V::load(x + k), a);
    float lanes[V::width];
    V::to_array(V::add(a, b), lanes);
    float left = 0.0f;
    float right = 0.0f;
    for (std::size_t l = 0; l < V::width; l += 2) {
      left += lanes[l];
      right += lanes[l + 1];
    }
    out[2 * n] = left;
    out[2 * n + 1] = right;
  }
}

// The frames of a drift ratio (within 0.2 % of 1), eight at a time, without a sum across lanes:
// their positions are consecutive frames plus fractions that differ by (t - 4) * (step - 1), so
// frame t is the filter of the group's middle phase applied to the input from t on, plus that
// difference times the filter's slope in the phase, both sums running down the lanes. This is
// resample_frames' linear interpolation between phases exactly while the group stays within one
// phase's row (and its extension past the row otherwise: within 1e-3 at 0.2 %, below -84 dB at
// 18 kHz and 1000 ppm). False (and nothing written) when a frame would not read the input
// resample_frames reads: the frame-at-a-time path then takes the group.
constexpr std::size_t drift_group = 8;
constexpr std::size_t drift_group_taps = 64;  // the most the group path takes

template <class V>
bool resample_group(const float* in, const float* table, std::size_t taps, std::size_t phases, double position,
                    double step, float* out, std::size_t n) {
  constexpr std::size_t vectors = 2 * drift_group / V::width;
  constexpr std::size_t middle = drift_group / 2;
  const double drift = step - 1.0;
  const double at = position + static_cast<double>(n + middle) * step;
  const auto whole = static_cast<std::size_t>(at);
  const double fraction = at - static_cast<double>(whole);
  // The group's first and last frames must read what resample_frames would (and needed() sized):
  // computed as it computes them, not from the middle, whose rounding may differ.
  const auto first_whole = static_cast<std::size_t>(position + static_cast<double>(n) * step);
  const auto last_whole = static_cast<std::size_t>(position + static_cast<double>(n + drift_group - 1) * step);
  if (first_whole + middle != whole || last_whole != whole + (drift_group - 1 - middle)) return false;
  const double phase = fraction * static_cast<double>(phases);
  const auto j = static_cast<std::size_t>(phase);
  const float* h = table + j * 4 * taps;
  const float* d = h + 2 * taps;
  // The row at the middle's phase, and its slope per frame of fraction.
  float coefficient[2 * drift_group_taps];
  float slope[2 * drift_group_taps];
  const auto weight = V::set1(static_cast<float>(phase - static_cast<double>(j)));
  const auto per_fraction = V::set1(static_cast<float>(phases));
  for (std::size_t k = 0; k < 2 * taps; k += V::width) {
    V::store(coefficient + k, V::madd(weight, V::load(d + k), V::load(h + k)));
    V::store(slope + k, V::mul(per_fraction, V::load(d + k)));
  }
  typename V::f sum[vectors];
  typename V::f tilt[vectors];
  for (std::size_t v = 0; v < vectors; ++v) sum[v] = tilt[v] = V::set1(0.0f);
  const float* x = in + 2 * (whole - middle + 1 - taps / 2);
  for (std::size_t k = 0; k < taps; ++k) {
    const auto h_k = V::set1(coefficient[2 * k]);
    const auto s_k = V::set1(slope[2 * k]);
    for (std::size_t v = 0; v < vectors; ++v) {
      const auto frames = V::load(x + 2 * k + v * V::width);
      sum[v] = V::madd(h_k, frames, sum[v]);
      tilt[v] = V::madd(s_k, frames, tilt[v]);
    }
  }
  // Lane by lane, its frame's fraction less the middle's.
  const auto drift_lanes = V::set1(static_cast<float>(drift));
  for (std::size_t v = 0; v < vectors; ++v) {
    const float first = static_cast<float>(v * V::width / 2) - static_cast<float>(middle) - 1.0f;
    const auto offset = V::mul(V::add(V::lane_offsets(), V::set1(first)), drift_lanes);
    V::store(out + 2 * n + v * V::width, V::madd(offset, tilt[v], sum[v]));
  }
  return true;
}

template <class V>
double resample(const float* in, const float* table, std::size_t taps, std::size_t phases, double position,
                double step, float* out, std::size_t frames) {
  std::size_t n = 0;
  if (step > 0.998 && step < 1.002 && taps <= drift_group_taps && (2 * taps) % V::width == 0) {
    for (; n + drift_group <= frames; n += drift_group) {
      if (!resample_group<V>(in, table, taps, phases, position, step, out, n)) {
        resample_frames<V>(in, table, taps, phases, position, step, out, n, n + drift_group);
      }
    }
  }
  resample_frames<V>(in, table, taps, phases, position, step, out, n, frames);
  return position + static_cast<double>(frames) * step;
}

template <class V>
constexpr kernel_set make_kernel_set(const char* name) {
  return kernel_set{name,           &s16_to_float<V>,    &mix<V>,          &mix_s16<V>, &mix_stereo<V>,
                    &mix_ramp<V>,   &mix_ramp_stereo<V>, &mix_into<V>,     &apply_gain<V>,
                    &float_to_s16<V>, &measure<V>,   &resample<V>};
}

}  // namespace mixmatrix::mixer::kernels_impl
