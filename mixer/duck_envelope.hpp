#pragma once

#include <atomic>
#include <cstdint>

namespace mixmatrix::mixer {

/// How one duck moves, in the engine's units (the plan computes them from the duck's settings).
struct duck_settings {
  float threshold;             ///< linear peak above which the key counts as present
  float depth_db;              ///< attenuation while it is, in dB (at most 0)
  float attack_db_per_frame;   ///< how fast the attenuation deepens
  float release_db_per_frame;  ///< how fast it comes back
  std::uint32_t hold_frames;   ///< how long the key still counts as present after its last loud block
};

/// The live gain envelope of one duck (talk-over): engine-written state shared by every plan that
/// carries the duck, like a gain_ramp. Each block the engine gives it the peak of the duck's key;
/// the attenuation moves linearly in dB toward the depth while the key is present (above the
/// threshold within the hold time) and back to 0 dB after, and the gain is interpolated linearly
/// in amplitude across the block between the values at its boundaries: continuous, no zipper.
class duck_envelope {
 public:
  /// The gain over one block: linearly from `from` to `to`, reaching `to` on its last frame.
  struct segment {
    float from;
    float to;
    /// True when the block is not attenuated at all.
    bool idle() const { return from == 1.0f && to == 1.0f; }
  };

  /// Engine thread: the envelope for the next block of `block_frames`, given the key's peak in it
  /// (0 when the duck has no key any more: it releases). No allocation, no lock.
  segment advance(float key_peak, const duck_settings& settings, std::uint32_t block_frames);
  /// Engine thread: the segment the last advance() returned.
  const segment& last() const { return last_; }
  /// Any thread: the gain reached at the end of the last block (1 when released).
  float current() const { return current_.load(std::memory_order_relaxed); }

 private:
  float level_db_ = 0.0f;  // engine thread only
  std::uint32_t hold_ = 0;
  segment last_{1.0f, 1.0f};
  std::atomic<float> current_{1.0f};
};

}  // namespace mixmatrix::mixer
