#include "mixer/drift_loop.hpp"

#include <algorithm>
#include <cmath>

namespace mixmatrix::mixer {
namespace {
constexpr double widest = 0.5;      // rad/s: locks a 1000 ppm offset within seconds
constexpr double narrowest = 0.1;  // rad/s: averages the level's noise over some 30 s
constexpr double damping = 0.8;
constexpr double max_offset = 2000e-6;      // beyond any crystal; a sender this far off is broken
constexpr double max_correction = 3000e-6;  // offset and level correction together
}  // namespace

drift_loop::drift_loop(double rate, double period, double deadband)
    : rate_(rate), period_(period), deadband_(deadband), bandwidth_(widest) {}

void drift_loop::reset() {
  bandwidth_ = widest;
  offset_ = 0.0;
  ratio_ = 1.0;
  settled_error_ = 0.0;
}

double drift_loop::update(double error) {
  // The deadband only keeps a clock that matches ours from being followed at all, judged on the
  // error's recent mean (a drift persists, noise averages out); once following, the whole error
  // counts, so the level comes back to its setpoint and the estimate converges.
  const bool following = ratio_ != 1.0;
  settled_error_ += 0.25 * (error - settled_error_);
  const double beyond = following ? error : std::abs(settled_error_) <= deadband_ ? 0.0 : error;
  // Narrow while the level holds, once following; open wide again when it strays far (a new
  // offset to find).
  if (std::abs(error) > 3 * deadband_) {
    bandwidth_ = widest;
  } else if (following && std::abs(error) < 2 * deadband_) {
    bandwidth_ = std::max(narrowest, bandwidth_ * 0.95);
  }
  // The level moves by rate * (offset - correction) frames a second: a second-order loop with
  // natural frequency `bandwidth_` needs these gains.
  const double proportional = 2 * damping * bandwidth_ / rate_;
  const double integral = bandwidth_ * bandwidth_ / rate_;
  offset_ = std::clamp(offset_ + integral * period_ * beyond, -max_offset, max_offset);
  ratio_ = 1.0 + std::clamp(offset_ + proportional * beyond, -max_correction, max_correction);
  return ratio_;
}

}  // namespace mixmatrix::mixer
