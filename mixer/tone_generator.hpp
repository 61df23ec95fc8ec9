#pragma once

#include <cstdint>
#include <span>

namespace mixmatrix::mixer {

/// A sine oscillator writing the same signal to both channels of interleaved int16 frames.
/// Real-time safe.
class tone_generator {
 public:
  /// A sine of `hz` at `dbfs` (peak, relative to full scale) for a stream of `rate` frames/s.
  tone_generator(double hz, double dbfs, std::uint32_t rate);

  /// Engine thread: fills `frames` (interleaved stereo) with the next samples.
  void render(std::span<std::int16_t> frames);

  /// The frequency, in Hz.
  double hz() const { return hz_; }
  /// The peak level, in dBFS.
  double dbfs() const { return dbfs_; }

 private:
  double hz_;
  double dbfs_;
  double amplitude_;
  double phase_ = 0.0;  // in cycles, kept in [0, 1) so precision never decays
  double step_;
};

}  // namespace mixmatrix::mixer
