#include "mixer/input_channel.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
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
  scratch_.resize(2 * config.block_samples());
  window_blocks_ = std::max<std::size_t>(1, config.rate / 2 / config.block_frames);
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
  if (const std::size_t skip = skip_bytes_; sender && available >= out.size() + skip) {
    skip_bytes_ = 0;
    read_skipping(block, skip);
    // A file input's player keeps its ring full on purpose: only network inputs shrink.
    if (source_ == input_kind::network) watch_level(available - skip);  // may ask for a skip next block
    playing_.store(true, std::memory_order_relaxed);
    return;
  }
  window_seen_ = 0;  // a run that ends dry (or a sender leaving) is no window to judge
  skip_bytes_ = 0;
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

void input_channel::watch_level(std::size_t available) {
  if (window_seen_ == 0) {
    window_overruns_ = counters().overruns.load(std::memory_order_relaxed);
    window_bytes_in_ = counters().bytes_in.load(std::memory_order_relaxed);
    window_low_ = available;
  }
  window_low_ = std::min(window_low_, available);
  if (++window_seen_ < window_blocks_) return;
  // The low point stayed above the target all window long: the excess is latency nobody needs,
  // if the sender streams in real time. Not when the ring was full meanwhile (TCP paces the sender:
  // every byte is wanted), nor when the window brought much more or less than real time (a file
  // sent at once, to be played out whole).
  const std::size_t target = target_bytes_.load(std::memory_order_relaxed);
  const bool held_back = counters().overruns.load(std::memory_order_relaxed) != window_overruns_;
  const std::uint64_t received = counters().bytes_in.load(std::memory_order_relaxed) - window_bytes_in_;
  const std::uint64_t real_time = window_blocks_ * block_bytes_;
  const bool streaming = received * 10 >= real_time * 9 && received * 10 <= real_time * 11;
  // One block above the target stays as a cushion: trimming must not make the next underrun.
  const std::size_t keep = target + block_bytes_;
  if (!held_back && streaming && window_low_ > keep) {
    skip_bytes_ = std::min(window_low_ - keep, block_bytes_) / bytes_per_frame * bytes_per_frame;
  }
  window_seen_ = 0;
}

// Reads a block and skips `skip_bytes` after it, crossfading the block's last frames into the
// frames that follow the skipped ones, so the jump makes no click.
void input_channel::read_skipping(std::span<std::int16_t> block, std::size_t skip_bytes) {
  if (skip_bytes == 0) {
    ring_->read(std::as_writable_bytes(block));
    return;
  }
  const std::size_t skip = skip_bytes / sizeof(std::int16_t);  // samples
  auto read = std::span(scratch_).first(block.size() + skip);
  ring_->read(std::as_writable_bytes(read));
  const std::size_t fade = std::min<std::size_t>(64, block.size() / 2);  // samples: 32 frames
  const std::size_t keep = block.size() - fade;
  std::copy_n(read.begin(), keep, block.begin());
  for (std::size_t i = 0; i < fade; i += 2) {
    const float w = static_cast<float>(i / 2 + 1) / static_cast<float>(fade / 2);
    for (std::size_t ch = 0; ch < 2; ++ch) {
      const float from = read[keep + i + ch];
      const float to = read[keep + i + ch + skip];
      block[keep + i + ch] = static_cast<std::int16_t>(std::lround(from + w * (to - from)));
    }
  }
  counters().skipped_frames.fetch_add(skip_bytes / bytes_per_frame, std::memory_order_relaxed);
}

}  // namespace mixmatrix::mixer
