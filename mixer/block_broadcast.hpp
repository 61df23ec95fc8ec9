#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>

namespace mixmatrix::mixer {

/// The output of one backplane channel: the last `depth` blocks of 16-bit PCM and their
/// sequence numbers. One writer (the engine) never waits; any number of readers copy blocks by
/// sequence number and learn when a block was overwritten before they got it (a seqlock). Readers
/// announce themselves (block_cursor does), so the engine can skip channels nobody reads.
class block_broadcast {
 public:
  /// Keeps `depth` blocks of `block_samples` samples each; allocates once.
  block_broadcast(std::size_t block_samples, std::size_t depth);

  /// Engine thread: appends one block (block_samples() samples). Wait-free, no allocation.
  void publish(std::span<const std::int16_t> samples);
  /// Any thread: how many blocks were ever published; the newest is published() - 1.
  std::uint64_t published() const { return published_.load(std::memory_order_acquire); }
  /// Any thread: copies block `seq` into `out` (block_bytes()); false if not yet published or
  /// already overwritten, in which case `out` holds garbage.
  bool copy(std::uint64_t seq, std::span<std::byte> out) const;

  /// Samples in one block.
  std::size_t block_samples() const { return block_samples_; }
  /// Bytes in one block.
  std::size_t block_bytes() const { return block_samples_ * sizeof(std::int16_t); }
  /// Blocks kept.
  std::size_t depth() const { return depth_; }
  /// Any thread: whether anyone reads these blocks (publishing is wasted otherwise).
  bool has_readers() const { return readers_.load(std::memory_order_relaxed) > 0; }
  /// Any thread but the engine's: one more reader, from the next block published on. The first
  /// ever touches every page of the history, so the engine never takes a page fault writing it.
  void add_reader() const;
  /// Any thread: one reader fewer.
  void remove_reader() const { readers_.fetch_sub(1, std::memory_order_relaxed); }

 private:
  std::size_t block_samples_;
  std::size_t words_per_block_;
  std::size_t depth_;
  std::unique_ptr<std::uint64_t[]> words_;
  std::atomic<std::uint64_t> writing_{0};
  std::atomic<std::uint64_t> published_{0};
  mutable std::atomic<std::uint32_t> readers_{0};
  mutable std::once_flag touched_;
};

}  // namespace mixmatrix::mixer
