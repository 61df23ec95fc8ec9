#include "mixer/input_channel.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace mixmatrix::mixer {

static_assert(std::endian::native == std::endian::little, "the wire format is little-endian PCM");

input_channel::input_channel(std::string name, const engine_config& config, std::uint32_t latency_ms,
                             input_kind source)
    : channel(std::move(name), channel_kind::input, config),
      source_(source),
      rate_(config.rate),
      latency_ms_(latency_ms),
      block_bytes_(config.block_frames * bytes_per_frame) {
  const std::size_t capacity = config.frames_for_ms(config.input_buffer_ms) * bytes_per_frame;
  ring_ = std::make_unique<byte_ring>(std::max(capacity, 4 * block_bytes_));
  // A target below one block would underrun every tick, and one above the ring could never fill.
  const std::size_t target = std::clamp(config.frames_for_ms(latency_ms) * bytes_per_frame, block_bytes_,
                                        ring_->capacity() - block_bytes_);
  target_bytes_.store(target, std::memory_order_relaxed);
  max_target_bytes_ = std::max(target, ring_->capacity() / 2 / bytes_per_frame * bytes_per_frame);
}

input_channel::input_channel(std::string name, const engine_config& config, double hz, double dbfs)
    : channel(std::move(name), channel_kind::input, config),
      source_(input_kind::tone),
      rate_(config.rate),
      block_bytes_(config.block_frames * bytes_per_frame),
      tone_(std::in_place, hz, dbfs, config.rate) {}

void input_channel::attach_sender(std::string peer) {
  sender_address_ = std::move(peer);
  sender_.store(true, std::memory_order_release);
}

void input_channel::detach_sender() {
  ring_->pad_to_multiple(bytes_per_frame);
  sender_.store(false, std::memory_order_release);
}

std::uint32_t input_channel::target_ms() const {
  return static_cast<std::uint32_t>(target_bytes_.load(std::memory_order_relaxed) / bytes_per_frame * 1000 / rate_);
}

std::uint32_t input_channel::buffered_ms() const {
  if (!ring_) return 0;
  return static_cast<std::uint32_t>(ring_->readable() / bytes_per_frame * 1000 / rate_);
}

void input_channel::render(std::span<std::int16_t> block) {
  if (source_ == input_kind::tone) {
    tone_->render(block);
    playing_.store(true, std::memory_order_relaxed);
    return;
  }
  render_network(block);
}

void input_channel::render_network(std::span<std::int16_t> block) {
  const bool sender = has_sender();
  const std::size_t available = ring_->readable() / bytes_per_frame * bytes_per_frame;
  const std::size_t target = target_bytes_.load(std::memory_order_relaxed);
  bool playing = playing_.load(std::memory_order_relaxed);
  if (!playing) {
    // A departed sender's last frames are played out even below the target.
    playing = available >= target || (!sender && available > 0);
    if (!playing) {
      std::fill(block.begin(), block.end(), std::int16_t{0});
      return;
    }
  }
  auto out = std::as_writable_bytes(block);
  const std::size_t got = ring_->read(out.first(std::min(out.size(), available)));
  if (got < out.size()) {
    std::memset(out.data() + got, 0, out.size() - got);
    if (sender) {
      counters().underruns.fetch_add(1, std::memory_order_relaxed);
      target_bytes_.store(std::min(target + block_bytes_, max_target_bytes_), std::memory_order_relaxed);
    }
    playing = false;
  }
  playing_.store(playing, std::memory_order_relaxed);
}

}  // namespace mixmatrix::mixer
