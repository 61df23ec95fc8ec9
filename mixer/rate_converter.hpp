#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "mixer/resampler.hpp"

namespace mixmatrix::mixer {

/// Converts one s16 stereo stream between two fixed rates (a sender or a listener at another rate
/// than the engine's, a file recorded at another): frames go in as they come, in pieces of any
/// size, and every output frame they complete comes out at once, so the stream is the same however
/// it was cut. Storage is sized at construction; convert() never allocates.
class rate_converter {
 public:
  /// From `from` to `to` frames a second (8000 to 192000 each), taking up to `max_frames` a call.
  rate_converter(std::uint32_t from, std::uint32_t to, std::size_t max_frames);

  /// Converts `in` (interleaved, at most max_frames frames); the output frames, valid until the
  /// next call.
  std::span<const std::int16_t> convert(std::span<const std::int16_t> in);
  /// The stream ends: the output frames that the input so far still calls for (the filter reads
  /// past them), completed with silence beyond its end, so that the whole stream lasts as long at
  /// the new rate as at the old. The converter then starts a new stream.
  std::span<const std::int16_t> finish();
  /// The most output frames `frames` input frames can complete.
  std::size_t max_output(std::size_t frames) const;
  /// The most input frames (up to max_frames) whose output fits in `frames` output frames.
  std::size_t max_input(std::size_t frames) const;

 private:
  void produce(std::size_t frames, std::size_t& produced);

  std::uint64_t from_;
  std::uint64_t to_;
  double ratio_;  // input frames per output frame
  std::size_t max_frames_;
  resampler resampler_;
  std::vector<float> piece_;
  std::vector<std::int16_t> out_;
  std::uint64_t frames_in_ = 0;   // of this stream
  std::uint64_t frames_out_ = 0;  // of this stream
};

}  // namespace mixmatrix::mixer
