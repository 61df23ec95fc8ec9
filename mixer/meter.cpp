#include "mixer/meter.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mixmatrix::mixer {
namespace {
double to_db(double amplitude) {
  return amplitude > 0 ? 20.0 * std::log10(amplitude) : -std::numeric_limits<double>::infinity();
}
}  // namespace

meter::meter(std::size_t blocks, std::size_t block_frames)
    : blocks_(blocks), block_frames_(block_frames), slots_(new slot[blocks]) {
  for (std::size_t b = 0; b < blocks_; ++b) {
    for (int c = 0; c < 2; ++c) {
      slots_[b].peak[c].store(0.0f, std::memory_order_relaxed);
      slots_[b].sum_squares[c].store(0.0f, std::memory_order_relaxed);
    }
  }
}

void meter::record(const channel_levels& levels) {
  const std::uint64_t n = recorded_.load(std::memory_order_relaxed);
  slot& s = slots_[n % blocks_];
  for (int c = 0; c < 2; ++c) {
    s.peak[c].store(levels.peak[c], std::memory_order_relaxed);
    s.sum_squares[c].store(levels.sum_squares[c], std::memory_order_relaxed);
  }
  recorded_.store(n + 1, std::memory_order_release);
}

meter_reading meter::read() const {
  const std::uint64_t recorded = recorded_.load(std::memory_order_acquire);
  const std::size_t count = static_cast<std::size_t>(std::min<std::uint64_t>(recorded, blocks_));
  double peak[2] = {0, 0};
  double squares[2] = {0, 0};
  for (std::size_t b = 0; b < count; ++b) {
    const slot& s = slots_[(recorded - 1 - b) % blocks_];
    for (int c = 0; c < 2; ++c) {
      peak[c] = std::max(peak[c], static_cast<double>(s.peak[c].load(std::memory_order_relaxed)));
      squares[c] += s.sum_squares[c].load(std::memory_order_relaxed);
    }
  }
  meter_reading r{};
  const double frames = static_cast<double>(std::max<std::size_t>(count, 1) * block_frames_);
  for (int c = 0; c < 2; ++c) {
    r.peak_db[c] = to_db(peak[c]);
    r.rms_db[c] = to_db(std::sqrt(squares[c] / frames));
  }
  return r;
}

}  // namespace mixmatrix::mixer
