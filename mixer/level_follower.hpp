#pragma once

#include <cstddef>
#include <cstdint>

#include "mixer/drift_loop.hpp"

namespace mixmatrix::mixer {

/// Follows a sound card's clock from the level of the buffer its callbacks read: the mean level
/// over windows of half a second, held where the third window after a (re)start found it, is the
/// error a drift_loop turns into the ratio a resampler reads the buffer at. Errors within 1.5 ms are
/// none, so a card on the stream's own clock keeps every bit. Pure arithmetic, for the audio thread.
class level_follower {
 public:
  /// For a card playing `rate` frames a second.
  explicit level_follower(std::uint32_t rate);

  /// A callback of `frames` frames found `level` frames buffered before it took them.
  void observe(double level, std::size_t frames);
  /// Forgets the level and the clock: after a skip, a repeat or a dry run the level jumped, and a
  /// loop left running would chase the jump to its limit.
  void restart();

  /// Input frames to read per output frame.
  double ratio() const { return loop_.ratio(); }
  /// The card's clock offset, ppm (positive: the card runs slow, so the buffer fills and is read
  /// faster): measured over the last half minute as frames that arrived per frame played, so a
  /// loop still settling (its estimate swings past the offset) does not misreport it.
  double drift_ppm() const;

 private:
  void close_window();

  std::uint32_t rate_;
  drift_loop loop_;
  double sum_ = 0.0;  // of the levels seen in the window, frames
  std::size_t callbacks_ = 0;
  std::size_t frames_ = 0;
  double setpoint_ = -1.0;  // the level held, frames (negative: not measured yet)
  std::size_t windows_ = 0;  // since the start

  // A least-squares line, its points weighted down as they age, through (frames played, frames
  // arrived less played) at the end of every window since the setpoint; both counted since the
  // start. Arrived = read + the level.
  struct line_fit {
    double weight, x, y, xx, xy;
  };
  line_fit fit_{};
  double played_ = 0.0;
  double read_ = 0.0;
};

}  // namespace mixmatrix::mixer
