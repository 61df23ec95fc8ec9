#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace mixmatrix::mixer {

/// A single-producer single-consumer ring of bytes. The producer may write any number of bytes
/// (a TCP read cut mid-frame); the consumer reads what it asks for. Wait-free, no allocation
/// after construction; each method names the one thread allowed to call it.
class byte_ring {
 public:
  /// A ring of `capacity` bytes; its pages are touched only as they are written.
  explicit byte_ring(std::size_t capacity);

  /// Total bytes the ring holds.
  std::size_t capacity() const { return capacity_; }

  /// Producer: the largest contiguous free region (possibly shorter than free_space()).
  std::span<std::byte> writable();
  /// Producer: marks `n` bytes of writable() as written.
  void commit(std::size_t n);
  /// Producer: copies as much of `bytes` as fits; returns how many were taken.
  std::size_t write(std::span<const std::byte> bytes);
  /// Producer: writes zeros until the byte count written is a multiple of `multiple`.
  void pad_to_multiple(std::size_t multiple);
  /// Producer (or any thread, as an estimate): bytes that can be written now.
  std::size_t free_space() const;

  /// Consumer (or any thread, as an estimate): bytes that can be read now.
  std::size_t readable() const;
  /// Consumer: copies min(out.size(), readable()) bytes out; returns how many.
  std::size_t read(std::span<std::byte> out);
  /// Consumer: drops min(n, readable()) bytes unread; returns how many.
  std::size_t discard(std::size_t n);
  /// Producer: bytes written since the ring was made (the position of the next byte written).
  std::uint64_t written_total() const { return written_.load(std::memory_order_relaxed); }
  /// Consumer: bytes read or dropped since the ring was made (the position of the next byte read).
  std::uint64_t read_total() const { return read_.load(std::memory_order_relaxed); }

 private:
  std::unique_ptr<std::byte[]> data_;
  std::size_t capacity_;
  alignas(64) std::atomic<std::uint64_t> written_{0};
  alignas(64) std::atomic<std::uint64_t> read_{0};
};

}  // namespace mixmatrix::mixer
