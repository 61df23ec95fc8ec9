#include "mixer/tone_generator.hpp"

#include <cmath>
#include <numbers>

namespace mixmatrix::mixer {

tone_generator::tone_generator(double hz, double dbfs, std::uint32_t rate)
    : hz_(hz), dbfs_(dbfs), amplitude_(32767.0 * std::pow(10.0, dbfs / 20.0)), step_(hz / rate) {}

void tone_generator::render(std::span<std::int16_t> frames) {
  // A rotating phasor: two multiplies and adds a frame instead of a sin(), re-anchored on the exact
  // phase at every call so rounding never accumulates (hundreds of tones fit in one block's time).
  const double turn = 2.0 * std::numbers::pi;
  const double step_cos = std::cos(turn * step_);
  const double step_sin = std::sin(turn * step_);
  double re = std::cos(turn * phase_);
  double im = std::sin(turn * phase_);
  const std::size_t count = frames.size() / 2;
  for (std::size_t f = 0; f < count; ++f) {
    const auto s = static_cast<std::int16_t>(std::lrint(amplitude_ * im));
    frames[2 * f] = s;
    frames[2 * f + 1] = s;
    const double next_re = re * step_cos - im * step_sin;
    im = re * step_sin + im * step_cos;
    re = next_re;
  }
  phase_ += step_ * static_cast<double>(count);
  phase_ -= std::floor(phase_);
}

}  // namespace mixmatrix::mixer
