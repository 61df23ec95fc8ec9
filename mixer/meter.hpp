#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "mixer/kernels/kernel_set.hpp"

namespace mixmatrix::mixer {

/// Levels of one channel over a window, in dBFS (-inf for digital silence).
struct meter_reading {
  double peak_db[2];
  double rms_db[2];
};

/// The recent per-block levels of one channel. The engine records one block at a time with relaxed
/// atomic stores (no lock, no allocation); any thread reads a window. A reader racing the engine may
/// combine levels of adjacent blocks, which a meter tolerates.
class meter {
 public:
  /// Keeps the levels of the last `blocks` blocks of `block_frames` frames each.
  meter(std::size_t blocks, std::size_t block_frames);

  /// Engine thread: records the levels of one block.
  void record(const channel_levels& levels);
  /// Any thread: peak and RMS over the last `blocks` blocks kept (all of them by default).
  meter_reading read() const;

 private:
  struct slot {
    std::atomic<float> peak[2];
    std::atomic<float> sum_squares[2];
  };

  std::size_t blocks_;
  std::size_t block_frames_;
  std::unique_ptr<slot[]> slots_;
  std::atomic<std::uint64_t> recorded_{0};
};

}  // namespace mixmatrix::mixer
