#include "mixer/gain_ramp.hpp"

#include <algorithm>

namespace mixmatrix::mixer {

gain_ramp::segment gain_ramp::advance(float target, std::uint32_t block_frames, std::uint32_t ramp_frames) {
  const float now = current_.load(std::memory_order_relaxed);
  if (target != target_) {
    // A new target: the ramp restarts from wherever the gain is, so changes never step.
    target_ = target;
    remaining_ = std::max<std::uint32_t>(ramp_frames, 1);
    step_ = (target - now) / static_cast<float>(remaining_);
  }
  if (remaining_ == 0) return {now, now, 0};
  const std::uint32_t frames = std::min(remaining_, block_frames);
  remaining_ -= frames;
  const float reached = remaining_ == 0 ? target_ : now + step_ * static_cast<float>(frames);
  current_.store(reached, std::memory_order_relaxed);
  return {now, reached, frames};
}

}  // namespace mixmatrix::mixer
