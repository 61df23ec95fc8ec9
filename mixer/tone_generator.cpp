#include "mixer/tone_generator.hpp"

#include <cmath>
#include <numbers>

namespace mixmatrix::mixer {

tone_generator::tone_generator(double hz, double dbfs, std::uint32_t rate)
    : hz_(hz), dbfs_(dbfs), amplitude_(32767.0 * std::pow(10.0, dbfs / 20.0)), step_(hz / rate) {}

void tone_generator::render(std::span<std::int16_t> frames) {
  for (std::size_t i = 0; i + 1 < frames.size(); i += 2) {
    const auto s = static_cast<std::int16_t>(std::lrint(amplitude_ * std::sin(2.0 * std::numbers::pi * phase_)));
    frames[i] = s;
    frames[i + 1] = s;
    phase_ += step_;
    if (phase_ >= 1.0) phase_ -= 1.0;
  }
}

}  // namespace mixmatrix::mixer
