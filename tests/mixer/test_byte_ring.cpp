#include <doctest/doctest.h>

#include <cstdint>
#include <thread>
#include <vector>

#include "mixer/byte_ring.hpp"

using mixmatrix::mixer::byte_ring;

namespace {
std::span<const std::byte> bytes_of(const std::string& s) { return std::as_bytes(std::span(s)); }
std::string read_string(byte_ring& ring, std::size_t n) {
  std::string out(n, '\0');
  out.resize(ring.read(std::as_writable_bytes(std::span(out))));
  return out;
}
}  // namespace

TEST_CASE("byte_ring moves bytes in order across the wrap") {
  byte_ring ring(10);
  CHECK(ring.write(bytes_of("abcdefg")) == 7);
  CHECK(read_string(ring, 5) == "abcde");
  CHECK(ring.write(bytes_of("hijklmn")) == 7);  // wraps
  CHECK(ring.readable() == 9);
  CHECK(read_string(ring, 100) == "fghijklmn");
  CHECK(ring.readable() == 0);
}

TEST_CASE("byte_ring refuses what does not fit (the caller's backpressure)") {
  byte_ring ring(8);
  CHECK(ring.write(bytes_of("0123456789")) == 8);
  CHECK(ring.free_space() == 0);
  CHECK(ring.writable().empty());
  read_string(ring, 3);
  CHECK(ring.free_space() == 3);
}

TEST_CASE("byte_ring writable() regions are contiguous and commit in place") {
  byte_ring ring(8);
  ring.write(bytes_of("123456"));
  read_string(ring, 4);
  auto region = ring.writable();
  CHECK(region.size() == 2);  // up to the end of storage
  region[0] = std::byte{'7'};
  region[1] = std::byte{'8'};
  ring.commit(2);
  CHECK(ring.writable().size() == 4);
  CHECK(read_string(ring, 8) == "5678");
}

TEST_CASE("pad_to_multiple completes a half frame with zeros") {
  byte_ring ring(16);
  ring.write(bytes_of("abcdef"));  // one frame and a half
  ring.pad_to_multiple(4);
  CHECK(ring.readable() == 8);
  CHECK(read_string(ring, 8) == std::string("abcdef\0\0", 8));
  ring.pad_to_multiple(4);  // already whole: nothing
  CHECK(ring.readable() == 0);
}

TEST_CASE("byte_ring stress: one producer, one consumer, 64 MB in odd-sized pieces") {
  byte_ring ring(4093);
  constexpr std::uint64_t total = 64 << 20;
  std::thread producer([&] {
    std::uint64_t sent = 0;
    std::vector<std::byte> piece(777);
    while (sent < total) {
      const std::size_t n = std::min<std::uint64_t>(piece.size() - (sent % 13), total - sent);
      for (std::size_t i = 0; i < n; ++i) piece[i] = static_cast<std::byte>((sent + i) * 131 % 251);
      std::size_t done = 0;
      while (done < n) done += ring.write(std::span(piece).subspan(done, n - done));
      sent += n;
    }
  });
  std::uint64_t received = 0;
  bool in_order = true;
  std::vector<std::byte> out(1000);
  while (received < total) {
    const std::size_t n = ring.read(std::span(out).first(1 + received % 997));
    for (std::size_t i = 0; i < n; ++i) in_order &= out[i] == static_cast<std::byte>((received + i) * 131 % 251);
    received += n;
  }
  producer.join();
  CHECK(in_order);
  CHECK(received == total);
}
