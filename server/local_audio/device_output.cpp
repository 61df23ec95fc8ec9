#include "server/local_audio/device_output.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>

namespace mixmatrix::server {
namespace {
constexpr double max_ratio = 1.01;  // beyond what the drift loop ever asks
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
      reader_(max_ratio),
      follower_(rate),
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
    // What the engine published while the device settled is no backlog of the card's, but a device
    // that has just settled may still take bursts: it starts with half the slack as a cushion above
    // the margin, well below where blocks are skipped, and nothing is counted as skipped.
    const std::uint64_t start = callback_blocks + self->margin_blocks_ + self->slack_blocks_ / 2;
    if (const std::uint64_t behind = self->cursor_.behind(); behind > start) self->cursor_.skip(behind - start);
    self->primed_ = true;
  }
  self->frames_.fetch_add(out.size() / 4, std::memory_order_relaxed);
  // The level before this callback: whole blocks waiting, the rest of the current one, and what
  // the resampler holds past its position.
  const double level = static_cast<double>(self->cursor_.behind() * (block_bytes / 4) + (block_bytes - self->played_) / 4) +
                       self->reader_.ahead();
  self->follower_.observe(level, out.size() / 4);
  self->drift_shown_.store(self->follower_.drift_ppm(), std::memory_order_relaxed);
  const auto samples = std::span(reinterpret_cast<std::int16_t*>(out.data()), out.size() / 2);
  self->reader_.read(samples, self->follower_.ratio(), [&](std::span<std::int16_t> in) { self->take(in, callback_blocks); });
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

// A skip or a repeat (a stall of the card or of the engine) moved the level by whole blocks.
void device_output::restart_loop() {
  follower_.restart();
  drift_shown_.store(0.0, std::memory_order_relaxed);
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
