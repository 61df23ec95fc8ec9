#pragma once

#include <cmath>

namespace mixmatrix::mixer {

/// A gain in dB as a linear amplitude factor; -inf dB is 0.
inline float db_to_gain(double db) {
  if (std::isinf(db) && db < 0) return 0.0f;
  return static_cast<float>(std::pow(10.0, db / 20.0));
}

}  // namespace mixmatrix::mixer
