#include "mixer/stereo_ramp.hpp"

#include <algorithm>

namespace mixmatrix::mixer {

stereo_ramp::segment stereo_ramp::advance(float target_left, float target_right, std::uint32_t block_frames,
                                          std::uint32_t ramp_frames) {
  const float now[2] = {current_[0].load(std::memory_order_relaxed),
                        current_[1].load(std::memory_order_relaxed)};
  if (target_left != target_[0] || target_right != target_[1]) {
    // New targets: both channels restart from wherever they are, so changes never step. The
    // arithmetic is gain_ramp's, channel by channel.
    target_[0] = target_left;
    target_[1] = target_right;
    remaining_ = std::max<std::uint32_t>(ramp_frames, 1);
    for (int c = 0; c < 2; ++c) step_[c] = (target_[c] - now[c]) / static_cast<float>(remaining_);
  }
  if (remaining_ == 0) {
    last_ = {{now[0], now[1]}, {now[0], now[1]}, 0};
    return last_;
  }
  const std::uint32_t frames = std::min(remaining_, block_frames);
  remaining_ -= frames;
  float reached[2];
  for (int c = 0; c < 2; ++c) {
    reached[c] = remaining_ == 0 ? target_[c] : now[c] + step_[c] * static_cast<float>(frames);
    current_[c].store(reached[c], std::memory_order_relaxed);
  }
  last_ = {{now[0], now[1]}, {reached[0], reached[1]}, frames};
  return last_;
}

}  // namespace mixmatrix::mixer
