#pragma once

#include <atomic>
#include <cstdint>

namespace mixmatrix::mixer {

/// The live gain of one crosspoint or mix master. Every plan that carries the crosspoint points at
/// the same gain_ramp, so a ramp started under one plan carries on under the next (even one the
/// engine skipped). The engine moves the gain linearly to each new target over `ramp_frames`.
class gain_ramp {
 public:
  /// How one block applies the gain: linearly from `from` to `to` over its first `frames` frames,
  /// then `to` for the rest of the block (frames == 0: `to` throughout).
  struct segment {
    float from;
    float to;
    std::uint32_t frames;
  };

  /// Engine thread: the segment for the next block of `block_frames`, heading for `target`.
  /// No allocation, no lock.
  segment advance(float target, std::uint32_t block_frames, std::uint32_t ramp_frames);
  /// Any thread: the gain reached at the end of the last block.
  float current() const { return current_.load(std::memory_order_relaxed); }

 private:
  std::atomic<float> current_{0.0f};
  float target_ = 0.0f;  // engine thread only, like the rest
  float step_ = 0.0f;
  std::uint32_t remaining_ = 0;
};

}  // namespace mixmatrix::mixer
