#include "mixer/resampler.hpp"

#include <algorithm>
#include <cmath>

#include "mixer/kernels.hpp"

namespace mixmatrix::mixer {

resampler::resampler(std::shared_ptr<const resample_filter> filter, std::size_t max_frames, double max_ratio)
    : filter_(std::move(filter)),
      frames_buffer_(2 * (filter_->taps() + static_cast<std::size_t>(std::ceil(static_cast<double>(max_frames) * max_ratio)) + 2)) {
  restart({});
}

void resampler::restart(std::span<const std::int16_t> history) {
  const std::size_t lead = history_frames();
  const std::size_t kept = std::min(history.size() / 2, lead);
  const std::size_t zeros = lead - kept;
  std::fill_n(frames_buffer_.begin(), 2 * zeros, 0.0f);
  kernels().s16_to_float(history.data() + history.size() - 2 * kept, frames_buffer_.data() + 2 * zeros, 2 * kept);
  frames_ = lead;
  position_ = static_cast<double>(lead);
}

std::size_t resampler::needed(std::size_t frames, double ratio) const {
  // The last output frame reads up to taps/2 frames past its position.
  const double last = position_ + static_cast<double>(frames - 1) * ratio;
  const std::size_t end = static_cast<std::size_t>(last) + filter_->taps() / 2 + 1;
  return end > frames_ ? end - frames_ : 0;
}

std::size_t resampler::producible(double ratio) const {
  const double room = static_cast<double>(frames_) - static_cast<double>(filter_->taps() / 2) - position_;
  if (room <= 0.0) return 0;
  auto frames = static_cast<std::size_t>(room / ratio) + 1;
  while (frames > 0 && needed(frames, ratio) > 0) --frames;  // the division's rounding
  return frames;
}

std::size_t resampler::append(std::span<const std::int16_t> samples) {
  const std::size_t room = frames_buffer_.size() - 2 * frames_;
  const std::size_t n = std::min(samples.size(), room) / 2 * 2;
  kernels().s16_to_float(samples.data(), frames_buffer_.data() + 2 * frames_, n);
  frames_ += n / 2;
  return n / 2;
}

bool resampler::on_whole_frame() const {
  return position_ == std::floor(position_);
}

double resampler::landing_ratio(std::size_t frames, double ratio, double most) const {
  const double n = static_cast<double>(frames);
  const double exact = (std::round(position_ + n * ratio) - position_) / n;
  return std::clamp(exact, ratio - most, ratio + most);
}

std::size_t resampler::release(std::span<std::int16_t> out) {
  const auto at = static_cast<std::size_t>(position_);
  const std::size_t n = std::min(out.size() / 2, frames_ > at ? frames_ - at : 0);
  // The frames were s16 / 32768, exact in a float; scaled back and rounded they are the same s16.
  kernels().float_to_s16(frames_buffer_.data() + 2 * at, out.data(), 2 * n);
  position_ += static_cast<double>(n);
  return n;
}

void resampler::produce(std::span<float> out, double ratio) {
  const std::size_t frames = out.size() / 2;
  position_ = kernels().resample(frames_buffer_.data(), filter_->table(), filter_->taps(), filter_->phases(),
                                 position_, ratio, out.data(), frames);
  // A landing ratio's end is a whole frame up to the rounding of position + frames * ratio.
  if (const double whole = std::round(position_); std::abs(position_ - whole) < 1e-9) position_ = whole;
  // Keep what the taps of the next position can still read.
  const std::size_t lead = history_frames();
  const auto whole = static_cast<std::size_t>(position_);
  const std::size_t drop = std::min(whole > lead ? whole - lead : 0, frames_);
  std::copy(frames_buffer_.begin() + static_cast<std::ptrdiff_t>(2 * drop),
            frames_buffer_.begin() + static_cast<std::ptrdiff_t>(2 * frames_), frames_buffer_.begin());
  frames_ -= drop;
  position_ -= static_cast<double>(drop);
}

}  // namespace mixmatrix::mixer
