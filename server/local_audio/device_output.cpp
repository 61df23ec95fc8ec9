#include "server/local_audio/device_output.hpp"

#include <algorithm>
#include <cstring>

namespace mixmatrix::server {

device_output::device_output(std::shared_ptr<mixer::channel> ch, const std::string& device, std::uint32_t rate)
    : channel_(std::move(ch)),
      cursor_(channel_->output()),
      block_(channel_->output().block_bytes()),
      played_(block_.size()),
      // A card and the engine tick apart, and a VM or a busy machine wakes either late now and then:
      // 20 ms of cushion beyond a callback's worth, and 100 ms of slack before whole blocks are skipped.
      margin_blocks_(std::max<std::size_t>(2, rate / 50 / (block_.size() / 4))),
      slack_blocks_(std::max<std::size_t>(4, rate / 10 / (block_.size() / 4))),
      stream_(device, rate, &device_output::fill, this) {
  stream_.start();
}

void device_output::fill(std::span<std::byte> out, void* user) {
  auto* self = static_cast<device_output*>(user);
  const std::size_t block_bytes = self->block_.size();
  const std::size_t callback_blocks = (out.size() + block_bytes - 1) / block_bytes;
  // Silence until a callback's worth and the margin are published, so the first reads find them.
  if (!self->primed_) {
    if (self->cursor_.behind() < callback_blocks + self->margin_blocks_) {
      std::fill(out.begin(), out.end(), std::byte{0});
      return;
    }
    self->primed_ = true;
  }
  self->frames_.fetch_add(out.size() / 4, std::memory_order_relaxed);
  while (!out.empty()) {
    if (self->played_ == block_bytes) self->next_block(callback_blocks);
    const std::size_t n = std::min(out.size(), block_bytes - self->played_);
    std::memcpy(out.data(), self->block_.data() + self->played_, n);
    self->played_ += n;
    out = out.subspan(n);
  }
}

void device_output::next_block(std::size_t callback_blocks) {
  const std::uint64_t target = callback_blocks + margin_blocks_;
  // Hysteresis, so the ordinary jitter between the two clocks is not a skip.
  if (const std::uint64_t behind = cursor_.behind(); behind > target + std::max(callback_blocks, slack_blocks_)) {
    cursor_.skip(behind - target);
    skips_.fetch_add(behind - target, std::memory_order_relaxed);
  }
  const std::uint64_t lost = cursor_.lost();
  if (!cursor_.read(block_)) {
    repeats_.fetch_add(1, std::memory_order_relaxed);  // block_ still holds the last one...
    if (cursor_.lost() != lost) std::fill(block_.begin(), block_.end(), std::byte{0});  // ...unless a lapped copy tore it
  }
  played_ = 0;
}

}  // namespace mixmatrix::server
