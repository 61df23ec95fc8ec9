#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "mixer/resample_filter.hpp"

namespace mixmatrix::mixer {

/// Variable-ratio resampling of one stereo stream: input frames are appended as they are taken
/// from a ring, output is produced a block at a time at whatever ratio the caller steers (input
/// frames per output frame). Holds `taps` frames around its position and the input it was given
/// beyond them. Storage is sized at construction; append() and produce() never allocate.
class resampler {
 public:
  /// For blocks of up to `max_frames` output frames at ratios up to `max_ratio`.
  resampler(std::shared_ptr<const resample_filter> filter, std::size_t max_frames, double max_ratio);

  /// Forgets all input and starts right after `history` (interleaved frames already played, of
  /// which the last history_frames() count), so that the first output continues them seamlessly.
  void restart(std::span<const std::int16_t> history);
  /// Input frames to append before produce(`frames`, `ratio`) can run.
  std::size_t needed(std::size_t frames, double ratio) const;
  /// Output frames produce() can make at `ratio` from the input held.
  std::size_t producible(double ratio) const;
  /// Appends interleaved frames, as many as it has room for; returns how many frames it took.
  std::size_t append(std::span<const std::int16_t> samples);
  /// Fills `out` (interleaved) reading `ratio` input frames per output frame.
  void produce(std::span<float> out, double ratio);
  /// Input frames held past the position: part of the stream's buffered level.
  double ahead() const { return static_cast<double>(frames_) - position_; }
  /// Whether the position is on a whole input frame (where ratio 1 reads the input exactly).
  bool on_whole_frame() const;
  /// The ratio, within `most` of `ratio`, at which produce(`frames`) ends nearest to a whole input
  /// frame (on it, if `most` allows).
  double landing_ratio(std::size_t frames, double ratio, double most) const;
  /// On a whole frame: moves the input frames held past the position into `out` (interleaved, as
  /// they were appended, bit for bit), as many as fit; returns how many frames.
  std::size_t release(std::span<std::int16_t> out);
  /// The frames a position reads before itself: the history restart() takes.
  std::size_t history_frames() const { return filter_->taps() / 2 - 1; }

 private:
  std::shared_ptr<const resample_filter> filter_;
  std::vector<float> frames_buffer_;  // interleaved input, from the first frame a tap may read
  std::size_t frames_ = 0;             // frames held
  double position_ = 0.0;              // of the next output frame, in frames of the buffer
};

}  // namespace mixmatrix::mixer
