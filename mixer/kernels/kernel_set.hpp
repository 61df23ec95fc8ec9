#pragma once

#include <cstddef>
#include <cstdint>

namespace mixmatrix::mixer {

/// Peak (absolute) and sum of squares of each channel of an interleaved stereo buffer.
struct channel_levels {
  float peak[2];
  float sum_squares[2];
};

/// The arithmetic of mixing for one instruction set, as pure functions over interleaved stereo
/// samples (`samples` counts both channels and is even). Real-time safe: no allocation, no locks.
/// Pointers need no alignment but start on a frame (a left sample). Inputs are finite. A ramp runs
/// linearly per frame from `from`, reaching `to` exactly on the last frame.
struct kernel_set {
  const char* name;
  /// out = in / 32768 (exact).
  void (*s16_to_float)(const std::int16_t* in, float* out, std::size_t samples);
  /// acc += sum of gains[i] * sources[i], sources added in order.
  void (*mix)(float* acc, const float* const* sources, const float* gains, std::size_t count, std::size_t samples);
  /// acc += sum of gains[i] * (sources[i] / 32768) for int16 sources: s16_to_float and mix in one pass.
  void (*mix_s16)(float* acc, const std::int16_t* const* sources, const float* gains, std::size_t count,
                  std::size_t samples);
  /// acc += sum of (left[i], right[i]) * sources[i] channel by channel (panned), sources added in
  /// order; with left == right, the very arithmetic of mix.
  void (*mix_stereo)(float* acc, const float* const* sources, const float* left, const float* right,
                     std::size_t count, std::size_t samples);
  /// acc += gain * source, the gain ramped per frame.
  void (*mix_ramp)(float* acc, const float* source, std::size_t samples, float from, float to);
  /// acc += (left, right) * source, each channel's gain ramped per frame; with equal channels, the
  /// very arithmetic of mix_ramp.
  void (*mix_ramp_stereo)(float* acc, const float* source, std::size_t samples, float from_left, float to_left,
                          float from_right, float to_right);
  /// out = acc + gain * source (a mix-minus: a sum less one crosspoint, in one pass).
  void (*mix_into)(float* out, const float* acc, const float* source, float gain, std::size_t samples);
  /// buf *= gain, the gain ramped per frame.
  void (*apply_gain)(float* buf, std::size_t samples, float from, float to);
  /// out = round(in * 32768) saturated to int16; returns how many samples saturated.
  std::uint64_t (*float_to_s16)(const float* in, std::int16_t* out, std::size_t samples);
  /// Peak and sum of squares of each channel.
  channel_levels (*measure)(const float* in, std::size_t samples);
  /// Interpolates `frames` frames of `in` at `position`, `position + step`, ... (in input frames)
  /// with a polyphase filter table (see resample_filter); returns the position after the last.
  /// Reads in[2 * (floor(p) + 1 - taps / 2)] up to in[2 * (floor(p) + taps / 2) + 1] for each p;
  /// `taps` is a multiple of 8. A position on a whole frame with a row that is a unit impulse
  /// copies that frame exactly.
  double (*resample)(const float* in, const float* table, std::size_t taps, std::size_t phases, double position,
                     double step, float* out, std::size_t frames);
};

/// The scalar reference, which every other set is tested against.
const kernel_set& scalar_kernels();
/// SSE2: every x86-64 CPU.
const kernel_set& sse2_kernels();
/// AVX2 with FMA.
const kernel_set& avx2_kernels();
/// AVX-512 F, BW and VL.
const kernel_set& avx512_kernels();

}  // namespace mixmatrix::mixer
