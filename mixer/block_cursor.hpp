#pragma once

#include <cstdint>
#include <span>

#include "mixer/block_broadcast.hpp"

namespace mixmatrix::mixer {

/// One reader's place in a block_broadcast: it reads blocks in order, from the next one published
/// after it was made. A reader more than half the history behind skips ahead to half the history
/// (so the writer never laps the block being copied); skipped and overwritten blocks are counted
/// as lost. While it exists, it counts as a reader of `output`. Wait-free, no allocation: usable
/// on an audio callback.
class block_cursor {
 public:
  /// Starts at the next block `output` will publish.
  explicit block_cursor(const block_broadcast& output) : output_(&output), next_(output.published()) {
    output_->add_reader();
  }
  block_cursor(const block_cursor&) = delete;
  block_cursor& operator=(const block_cursor&) = delete;
  ~block_cursor() { output_->remove_reader(); }

  /// Copies the next block into `out` (block_bytes()); false when no new block is published yet.
  bool read(std::span<std::byte> out) {
    const std::uint64_t published = output_->published();
    const std::uint64_t keep = output_->depth() / 2;
    if (published - next_ > keep) {
      lost_ += published - keep - next_;
      next_ = published - keep;
    }
    while (next_ < published) {
      if (output_->copy(next_++, out)) return true;
      ++lost_;
    }
    return false;
  }
  /// Blocks published and not read yet.
  std::uint64_t behind() const { return output_->published() - next_; }
  /// Skips `blocks` unread blocks (at most behind()); they are not counted as lost.
  void skip(std::uint64_t blocks) { next_ += blocks; }
  /// Blocks skipped or overwritten before they could be read, since the cursor was made.
  std::uint64_t lost() const { return lost_; }

 private:
  const block_broadcast* output_;
  std::uint64_t next_;
  std::uint64_t lost_ = 0;
};

}  // namespace mixmatrix::mixer
