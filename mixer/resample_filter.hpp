#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace mixmatrix::mixer {

/// A Kaiser-windowed sinc low-pass as a polyphase table for kernel_set::resample: `phases` rows of
/// `taps` coefficients (each twice, for interleaved stereo) and their differences to the next row.
/// Immutable once built, so every resampler of one conversion shares it.
class resample_filter {
 public:
  /// `taps` (a multiple of 8) around each position; `cutoff` as a fraction of the input's Nyquist
  /// frequency (1: none, and then a position on a whole frame copies it exactly); `beta` the Kaiser
  /// window's (8.6: about 90 dB of stopband). Each row sums to 1 (unity gain at DC).
  resample_filter(std::uint32_t taps, double cutoff, double beta = 8.6, std::uint32_t phases = 256);

  /// The filter for a conversion that reads `ratio` input frames per output frame: the drift
  /// filter near 1, a longer low-pass below the lower Nyquist frequency otherwise. Shared.
  static std::shared_ptr<const resample_filter> for_ratio(double ratio);

  /// Coefficients around each position.
  std::uint32_t taps() const { return taps_; }
  /// Rows of the table.
  std::uint32_t phases() const { return phases_; }
  /// The table, as kernel_set::resample reads it.
  const float* table() const { return table_.data(); }

 private:
  std::uint32_t taps_;
  std::uint32_t phases_;
  std::vector<float> table_;
};

}  // namespace mixmatrix::mixer
