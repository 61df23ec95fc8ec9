#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace mixmatrix::mixer {

/// The live gains of one crosspoint, left and right: equal unless the crosspoint is panned. Like
/// gain_ramp, it is shared by every plan that carries the crosspoint, and the engine moves both
/// gains linearly to each new pair of targets over `ramp_frames`; both restart together, so a
/// crosspoint that is not panned computes exactly what a gain_ramp would.
class stereo_ramp {
 public:
  /// How one block applies the gains: channel c runs linearly from `from[c]` to `to[c]` over the
  /// block's first `frames` frames, then stays at `to[c]` (frames == 0: `to` throughout).
  struct segment {
    float from[2];
    float to[2];
    std::uint32_t frames;
    /// True when both channels get the same gains (the crosspoint is not panned this block).
    bool mono() const { return from[0] == from[1] && to[0] == to[1]; }
    /// True when both channels are silent throughout.
    bool silent() const { return from[0] == 0.0f && from[1] == 0.0f && to[0] == 0.0f && to[1] == 0.0f; }
  };

  /// Engine thread: the segment for the next block, heading for the targets. No allocation, no lock.
  segment advance(float target_left, float target_right, std::uint32_t block_frames,
                  std::uint32_t ramp_frames);
  /// Engine thread: the segment the last advance() returned (what the mix applied this block).
  const segment& last() const { return last_; }
  /// Any thread: the gain of `channel` (0 left, 1 right) reached at the end of the last block.
  float current(std::size_t channel) const { return current_[channel].load(std::memory_order_relaxed); }
  /// Any thread: true when both gains have reached 0.
  bool silent() const { return current(0) == 0.0f && current(1) == 0.0f; }

 private:
  std::atomic<float> current_[2]{0.0f, 0.0f};
  float target_[2] = {0.0f, 0.0f};  // engine thread only, like the rest
  float step_[2] = {0.0f, 0.0f};
  std::uint32_t remaining_ = 0;
  segment last_{{0.0f, 0.0f}, {0.0f, 0.0f}, 0};
};

}  // namespace mixmatrix::mixer
