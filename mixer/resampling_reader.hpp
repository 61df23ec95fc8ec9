#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "mixer/kernels.hpp"
#include "mixer/resampler.hpp"

namespace mixmatrix::mixer {

/// A sound card's side of a buffer: fills a callback's s16 stereo frames through a drift resampler
/// at the ratio its caller steers, taking from the buffer exactly the frames the resampler needs.
/// Storage is sized at construction; read() never allocates (the audio callback's rules).
class resampling_reader {
 public:
  /// At ratios up to `max_ratio`.
  explicit resampling_reader(double max_ratio)
      : resampler_(resample_filter::for_ratio(1.0), piece_frames, max_ratio),
        staging_(2 * (piece_frames + resample_filter::for_ratio(1.0)->taps() + 8)),
        resampled_(2 * piece_frames) {}

  /// Fills `out` (interleaved) at `ratio`; `take(std::span<std::int16_t>)` fills its argument with
  /// the buffer's next frames.
  template <class Take>
  void read(std::span<std::int16_t> out, double ratio, Take&& take) {
    while (!out.empty()) {
      const auto piece = out.first(std::min(out.size(), 2 * piece_frames));
      const auto floats = std::span(resampled_).first(piece.size());
      const auto in = std::span(staging_).first(2 * resampler_.needed(piece.size() / 2, ratio));
      take(in);
      resampler_.append(in);
      resampler_.produce(floats, ratio);
      kernels().float_to_s16(floats.data(), piece.data(), piece.size());
      out = out.subspan(piece.size());
    }
  }
  /// Frames taken from the buffer and not yet played: part of its level.
  double ahead() const { return resampler_.ahead(); }
  /// Forgets what it holds (the buffer's next frames follow silence).
  void restart() { resampler_.restart({}); }

 private:
  static constexpr std::size_t piece_frames = 256;
  resampler resampler_;
  std::vector<std::int16_t> staging_;
  std::vector<float> resampled_;
};

}  // namespace mixmatrix::mixer
