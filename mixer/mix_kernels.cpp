#include "mixer/mix_kernels.hpp"

#include <cmath>

#include "mixer/engine_config.hpp"

namespace mixmatrix::mixer {

void s16_to_float(std::span<const std::int16_t> in, std::span<float> out) {
  constexpr float scale = 1.0f / 32768.0f;
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = static_cast<float>(in[i]) * scale;
}

void accumulate(std::span<float> acc, std::span<const float> src, float from, float to) {
  if (from == to) {
    for (std::size_t i = 0; i < acc.size(); ++i) acc[i] += from * src[i];
    return;
  }
  const std::size_t frames = acc.size() / channels_per_frame;
  const float step = (to - from) / static_cast<float>(frames);
  for (std::size_t f = 0; f < frames; ++f) {
    const float g = f + 1 == frames ? to : from + step * static_cast<float>(f + 1);
    acc[2 * f] += g * src[2 * f];
    acc[2 * f + 1] += g * src[2 * f + 1];
  }
}

void apply_gain(std::span<float> buf, float from, float to) {
  if (from == to) {
    if (from == 1.0f) return;
    for (float& x : buf) x *= from;
    return;
  }
  const std::size_t frames = buf.size() / channels_per_frame;
  const float step = (to - from) / static_cast<float>(frames);
  for (std::size_t f = 0; f < frames; ++f) {
    const float g = f + 1 == frames ? to : from + step * static_cast<float>(f + 1);
    buf[2 * f] *= g;
    buf[2 * f + 1] *= g;
  }
}

std::uint64_t float_to_s16(std::span<const float> in, std::span<std::int16_t> out) {
  std::uint64_t clips = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const float scaled = std::nearbyint(in[i] * 32768.0f);
    if (scaled > 32767.0f) {
      out[i] = 32767;
      ++clips;
    } else if (scaled < -32768.0f) {
      out[i] = -32768;
      ++clips;
    } else if (scaled == scaled) {
      out[i] = static_cast<std::int16_t>(scaled);
    } else {
      out[i] = 0;  // NaN cannot come from int16 sources; silence it rather than let it through
    }
  }
  return clips;
}

}  // namespace mixmatrix::mixer
