#pragma once

#include <cmath>
#include <numbers>

namespace mixmatrix::mixer {

/// A gain in dB as a linear amplitude factor; -inf dB is 0.
inline float db_to_gain(double db) {
  if (std::isinf(db) && db < 0) return 0.0f;
  return static_cast<float>(std::pow(10.0, db / 20.0));
}

/// The pan law: the factor of `channel` (0 left, 1 right) at `position` from -100 (left) to 100
/// (right). The near channel stays at exactly 1, the far one falls as cos(|pos|/100 * pi/2) to
/// exactly 0 at the end, so position 0 is unity on both (bit-exact) and +50 is -3.01 dB on the left.
inline float pan_gain(double position, int channel) {
  const bool far = channel == 0 ? position > 0 : position < 0;
  if (!far) return 1.0f;
  const double amount = std::fabs(position) / 100.0;
  if (amount >= 1.0) return 0.0f;
  return static_cast<float>(std::cos(amount * std::numbers::pi / 2));
}

}  // namespace mixmatrix::mixer
