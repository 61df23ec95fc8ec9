#include "mixer/duck_envelope.hpp"

#include <algorithm>

#include "mixer/gain.hpp"

namespace mixmatrix::mixer {

duck_envelope::segment duck_envelope::advance(float key_peak, const duck_settings& s,
                                              std::uint32_t block_frames) {
  if (key_peak > s.threshold) {
    hold_ = s.hold_frames;
  } else {
    hold_ = hold_ > block_frames ? hold_ - block_frames : 0;
  }
  const float target = hold_ > 0 ? s.depth_db : 0.0f;
  const auto frames = static_cast<float>(block_frames);
  if (level_db_ > target) {
    level_db_ = std::max(target, level_db_ - s.attack_db_per_frame * frames);
  } else if (level_db_ < target) {
    level_db_ = std::min(target, level_db_ + s.release_db_per_frame * frames);
  }
  // Exactly 1 once released, so a released duck is idle and costs nothing.
  const float gain = level_db_ == 0.0f ? 1.0f : db_to_gain(level_db_);
  last_ = {last_.to, gain};
  current_.store(gain, std::memory_order_relaxed);
  return last_;
}

}  // namespace mixmatrix::mixer
