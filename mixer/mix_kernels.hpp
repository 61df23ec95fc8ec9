#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace mixmatrix::mixer {

// The arithmetic of mixing, as pure functions over interleaved stereo spans. Real-time safe:
// no allocation, no locks. A gain ramp runs linearly per frame from `from` to `to`, reaching
// `to` on the last frame of the span; from == to is a constant gain.

/// int16 samples to float in [-1, 1): x / 32768 (exact).
void s16_to_float(std::span<const std::int16_t> in, std::span<float> out);
/// acc += gain * src, with the gain ramped per frame.
void accumulate(std::span<float> acc, std::span<const float> src, float from, float to);
/// buf *= gain, with the gain ramped per frame.
void apply_gain(std::span<float> buf, float from, float to);
/// Float to int16: round to nearest, saturate at full scale; returns how many samples clipped.
std::uint64_t float_to_s16(std::span<const float> in, std::span<std::int16_t> out);

}  // namespace mixmatrix::mixer
