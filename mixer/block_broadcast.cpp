#include "mixer/block_broadcast.hpp"

#include <cstring>

namespace mixmatrix::mixer {

// A seqlock without fences (which ThreadSanitizer cannot model): the writer announces the block
// it overwrites, then stores the payload with release; a reader loads the payload with acquire,
// so if it saw any word of a newer block it also sees the announcement and rejects its copy.
// On x86 both are plain moves.
block_broadcast::block_broadcast(std::size_t block_samples, std::size_t depth)
    : block_samples_(block_samples),
      words_per_block_((block_samples * sizeof(std::int16_t) + 7) / 8),
      depth_(depth),
      words_(new std::uint64_t[words_per_block_ * depth]) {}  // untouched until read: idle channels cost no memory

void block_broadcast::add_reader() const {
  std::call_once(touched_, [this] {
    // Nothing is published before the first reader, so nobody else touches the words yet.
    constexpr std::size_t words_per_page = 4096 / sizeof(std::uint64_t);
    const std::size_t words = words_per_block_ * depth_;
    for (std::size_t w = 0; w < words; w += words_per_page) {
      std::atomic_ref<std::uint64_t>(words_[w]).store(0, std::memory_order_relaxed);
    }
  });
  readers_.fetch_add(1, std::memory_order_relaxed);
}

void block_broadcast::publish(std::span<const std::int16_t> samples) {
  const std::uint64_t seq = published_.load(std::memory_order_relaxed);
  writing_.store(seq, std::memory_order_relaxed);
  std::uint64_t* slot = words_.get() + (seq % depth_) * words_per_block_;
  const auto* bytes = reinterpret_cast<const unsigned char*>(samples.data());
  const std::size_t size = samples.size_bytes();
  for (std::size_t w = 0; w < words_per_block_; ++w) {
    std::uint64_t word = 0;
    std::memcpy(&word, bytes + w * 8, w * 8 + 8 <= size ? 8 : size - w * 8);
    std::atomic_ref<std::uint64_t>(slot[w]).store(word, std::memory_order_release);
  }
  published_.store(seq + 1, std::memory_order_release);
}

bool block_broadcast::copy(std::uint64_t seq, std::span<std::byte> out) const {
  const std::uint64_t published = published_.load(std::memory_order_acquire);
  if (seq >= published || published - seq > depth_) return false;
  std::uint64_t* slot = words_.get() + (seq % depth_) * words_per_block_;
  const std::size_t size = out.size() < block_bytes() ? out.size() : block_bytes();
  for (std::size_t w = 0; w * 8 < size; ++w) {
    const std::uint64_t word = std::atomic_ref<std::uint64_t>(slot[w]).load(std::memory_order_acquire);
    std::memcpy(out.data() + w * 8, &word, w * 8 + 8 <= size ? 8 : size - w * 8);
  }
  return writing_.load(std::memory_order_relaxed) < seq + depth_;
}

}  // namespace mixmatrix::mixer
