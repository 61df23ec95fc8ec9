#include "mixer/byte_ring.hpp"

#include <algorithm>
#include <cstring>

namespace mixmatrix::mixer {

byte_ring::byte_ring(std::size_t capacity)
    : data_(new std::byte[capacity]),  // default-initialised: untouched pages cost no memory
      capacity_(capacity) {}

std::span<std::byte> byte_ring::writable() {
  const std::uint64_t w = written_.load(std::memory_order_relaxed);
  const std::uint64_t r = read_.load(std::memory_order_acquire);
  const auto free = capacity_ - static_cast<std::size_t>(w - r);
  const auto at = static_cast<std::size_t>(w % capacity_);
  return {data_.get() + at, std::min(free, capacity_ - at)};
}

void byte_ring::commit(std::size_t n) {
  written_.store(written_.load(std::memory_order_relaxed) + n, std::memory_order_release);
}

std::size_t byte_ring::write(std::span<const std::byte> bytes) {
  std::size_t taken = 0;
  while (taken < bytes.size()) {
    auto region = writable();
    if (region.empty()) break;
    const auto n = std::min(region.size(), bytes.size() - taken);
    std::memcpy(region.data(), bytes.data() + taken, n);
    commit(n);
    taken += n;
  }
  return taken;
}

void byte_ring::pad_to_multiple(std::size_t multiple) {
  const auto partial = static_cast<std::size_t>(written_.load(std::memory_order_relaxed) % multiple);
  if (partial == 0) return;
  const std::byte zeros[16]{};
  write(std::span<const std::byte>(zeros, std::min(multiple - partial, sizeof zeros)));
}

std::size_t byte_ring::free_space() const { return capacity_ - readable(); }

std::size_t byte_ring::readable() const {
  const std::uint64_t r = read_.load(std::memory_order_relaxed);
  return static_cast<std::size_t>(written_.load(std::memory_order_acquire) - r);
}

std::size_t byte_ring::read(std::span<std::byte> out) {
  const std::uint64_t r = read_.load(std::memory_order_relaxed);
  const auto available = static_cast<std::size_t>(written_.load(std::memory_order_acquire) - r);
  const auto n = std::min(out.size(), available);
  const auto at = static_cast<std::size_t>(r % capacity_);
  const auto first = std::min(n, capacity_ - at);
  std::memcpy(out.data(), data_.get() + at, first);
  std::memcpy(out.data() + first, data_.get(), n - first);
  read_.store(r + n, std::memory_order_release);
  return n;
}

std::size_t byte_ring::discard(std::size_t n) {
  const std::uint64_t r = read_.load(std::memory_order_relaxed);
  n = std::min(n, static_cast<std::size_t>(written_.load(std::memory_order_acquire) - r));
  read_.store(r + n, std::memory_order_release);
  return n;
}

}  // namespace mixmatrix::mixer
