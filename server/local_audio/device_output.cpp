#include "server/local_audio/device_output.hpp"

#include <algorithm>
#include <cstring>

#include "mixer/kernels.hpp"

namespace mixmatrix::server {
namespace {
constexpr std::size_t piece_frames = 256;  // the resampler's output, a piece of a callback at a time
constexpr double max_ratio = 1.01;
}  // namespace

device_output::device_output(std::shared_ptr<mixer::channel> ch, const std::string& device, std::uint32_t rate)
    : channel_(std::move(ch)),
      cursor_(channel_->output()),
      block_(channel_->output().block_bytes()),
      played_(block_.size()),
      // A card and the engine tick apart, and a VM or a busy machine wakes either late now and then:
      // 20 ms of cushion beyond a callback's worth, and 100 ms of slack before whole blocks are skipped.
      margin_blocks_(std::max<std::size_t>(2, rate / 50 / (block_.size() / 4))),
      slack_blocks_(std::max<std::size_t>(4, rate / 10 / (block_.size() / 4))),
      resampler_(mixer::resample_filter::for_ratio(1.0), piece_frames, max_ratio),
      // Errors within 1.5 ms are none: a card on the engine's own clock keeps every bit.
      loop_(rate, 0.5, 0.0015 * rate),
      staging_(2 * (piece_frames + 64)),
      resampled_(2 * piece_frames),
      rate_(rate),
      pace_(rate),
      stream_(device, rate, &device_output::fill, this) {
  stream_.start();
}

void device_output::fill(std::span<std::byte> out, void* user) {
  auto* self = static_cast<device_output*>(user);
  const std::size_t block_bytes = self->block_.size();
  const std::size_t callback_blocks = (out.size() + block_bytes - 1) / block_bytes;
  // Silence until the device keeps real time (at its start it takes its own buffer's worth at once,
  // which would drain the margin) and a callback's worth and the margin are published.
  if (!self->primed_) {
    if (!self->pace_.settled(out.size() / 4, std::chrono::steady_clock::now()) ||
        self->cursor_.behind() < callback_blocks + self->margin_blocks_) {
      std::fill(out.begin(), out.end(), std::byte{0});
      return;
    }
    self->primed_ = true;
  }
  self->frames_.fetch_add(out.size() / 4, std::memory_order_relaxed);
  // The level before this callback: whole blocks waiting, the rest of the current one, and what
  // the resampler holds past its position.
  const double level = static_cast<double>(self->cursor_.behind() * (block_bytes / 4) + (block_bytes - self->played_) / 4) +
                       self->resampler_.ahead();
  self->watch_level(level, out.size() / 4);
  auto samples = std::span(reinterpret_cast<std::int16_t*>(out.data()), out.size() / 2);
  while (!samples.empty()) {
    const std::size_t n = std::min(samples.size(), 2 * piece_frames);
    self->play(samples.first(n), callback_blocks);
    samples = samples.subspan(n);
  }
}

void device_output::play(std::span<std::int16_t> out, std::size_t callback_blocks) {
  const double ratio = loop_.ratio();
  auto out_floats = std::span(resampled_).first(out.size());
  const std::size_t need = resampler_.needed(out.size() / 2, ratio);
  auto in = std::span(staging_).first(2 * need);
  take(in, callback_blocks);
  resampler_.append(in);
  resampler_.produce(out_floats, ratio);
  mixer::kernels().float_to_s16(out_floats.data(), out.data(), out.size());
}

void device_output::take(std::span<std::int16_t> frames, std::size_t callback_blocks) {
  auto bytes = std::as_writable_bytes(frames);
  const std::size_t block_bytes = block_.size();
  while (!bytes.empty()) {
    if (played_ == block_bytes) next_block(callback_blocks);
    const std::size_t n = std::min(bytes.size(), block_bytes - played_);
    std::memcpy(bytes.data(), block_.data() + played_, n);
    played_ += n;
    bytes = bytes.subspan(n);
  }
}

// A skip or a repeat (a stall of the card or of the engine) moved the level by whole blocks: what the
// loop learnt no longer holds, and a loop left running would chase the jump to its limit.
void device_output::restart_loop() {
  loop_.reset();
  setpoint_ = -1.0;
  window_sum_ = 0.0;
  window_callbacks_ = window_frames_ = 0;
  drift_shown_.store(0.0, std::memory_order_relaxed);
}

void device_output::watch_level(double level, std::size_t frames) {
  window_sum_ += level;
  ++window_callbacks_;
  window_frames_ += frames;
  if (window_frames_ < rate_ / 2) return;
  const double mean = window_sum_ / static_cast<double>(window_callbacks_);
  window_sum_ = 0.0;
  window_callbacks_ = window_frames_ = 0;
  if (setpoint_ < 0.0) {
    setpoint_ = mean;  // where it settled after the start
    return;
  }
  // Positive: blocks pile up, the card runs slow against the engine.
  loop_.update(mean - setpoint_);
  drift_shown_.store(loop_.offset() * 1e6, std::memory_order_relaxed);
}

void device_output::next_block(std::size_t callback_blocks) {
  const std::uint64_t target = callback_blocks + margin_blocks_;
  // Hysteresis, so the ordinary jitter between the two clocks is not a skip.
  if (const std::uint64_t behind = cursor_.behind(); behind > target + std::max(callback_blocks, slack_blocks_)) {
    cursor_.skip(behind - target);
    skips_.fetch_add(behind - target, std::memory_order_relaxed);
    restart_loop();
  }
  const std::uint64_t lost = cursor_.lost();
  if (!cursor_.read(block_)) {
    repeats_.fetch_add(1, std::memory_order_relaxed);  // block_ still holds the last one...
    restart_loop();
    if (cursor_.lost() != lost) std::fill(block_.begin(), block_.end(), std::byte{0});  // ...unless a lapped copy tore it
  }
  played_ = 0;
}

}  // namespace mixmatrix::server
