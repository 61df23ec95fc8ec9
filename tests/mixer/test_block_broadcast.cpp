#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

#include "mixer/block_broadcast.hpp"
#include "mixer/block_cursor.hpp"

using mixmatrix::mixer::block_broadcast;
using mixmatrix::mixer::block_cursor;

namespace {
std::vector<std::int16_t> block_of(std::int16_t value, std::size_t samples) {
  return std::vector<std::int16_t>(samples, value);
}
std::int16_t first_sample(const std::vector<std::byte>& bytes) {
  std::int16_t s;
  std::memcpy(&s, bytes.data(), 2);
  return s;
}
}  // namespace

TEST_CASE("block_broadcast hands out blocks by sequence number") {
  block_broadcast out(6, 4);
  std::vector<std::byte> copy(out.block_bytes());
  CHECK(out.published() == 0);
  CHECK_FALSE(out.copy(0, copy));
  for (std::int16_t v = 1; v <= 3; ++v) out.publish(block_of(v, 6));
  CHECK(out.published() == 3);
  REQUIRE(out.copy(1, copy));
  CHECK(first_sample(copy) == 2);
  CHECK_FALSE(out.copy(3, copy));  // not yet
}

TEST_CASE("block_broadcast forgets blocks older than its depth") {
  block_broadcast out(6, 4);
  std::vector<std::byte> copy(out.block_bytes());
  for (std::int16_t v = 0; v < 10; ++v) out.publish(block_of(v, 6));
  CHECK_FALSE(out.copy(5, copy));
  REQUIRE(out.copy(6, copy));
  CHECK(first_sample(copy) == 6);
  REQUIRE(out.copy(9, copy));
  CHECK(first_sample(copy) == 9);
}

TEST_CASE("block_cursor reads each new block once, in order, from the next one published") {
  block_broadcast out(6, 8);
  out.publish(block_of(-1, 6));  // before the cursor: never read
  block_cursor cursor(out);
  std::vector<std::byte> copy(out.block_bytes());
  CHECK_FALSE(cursor.read(copy));
  for (std::int16_t v = 0; v < 3; ++v) out.publish(block_of(v, 6));
  CHECK(cursor.behind() == 3);
  for (std::int16_t v = 0; v < 3; ++v) {
    REQUIRE(cursor.read(copy));
    CHECK(first_sample(copy) == v);
  }
  CHECK_FALSE(cursor.read(copy));
  CHECK(cursor.lost() == 0);
}

TEST_CASE("block_cursor that falls behind skips to half the history and counts what it lost") {
  block_broadcast out(6, 8);
  block_cursor cursor(out);
  std::vector<std::byte> copy(out.block_bytes());
  for (std::int16_t v = 0; v < 20; ++v) out.publish(block_of(v, 6));
  REQUIRE(cursor.read(copy));
  CHECK(first_sample(copy) == 16);  // 20 published, 4 (half of 8) kept
  CHECK(cursor.lost() == 16);
  cursor.skip(2);
  REQUIRE(cursor.read(copy));
  CHECK(first_sample(copy) == 19);
  CHECK(cursor.lost() == 16);  // a skip asked for is not a loss
}

TEST_CASE("block_broadcast stress: a reader never accepts a torn block") {
  constexpr std::size_t samples = 512;
  block_broadcast out(samples, 3);  // shallow on purpose: the writer laps slow readers often
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 200000; ++i) out.publish(block_of(static_cast<std::int16_t>(i), samples));
    done = true;
  });
  std::uint64_t accepted = 0;
  std::uint64_t rejected = 0;
  bool torn = false;
  std::vector<std::byte> copy(out.block_bytes());
  while (!done) {
    const std::uint64_t published = out.published();
    if (published == 0) continue;
    if (out.copy(published - 1, copy)) {
      std::vector<std::int16_t> s(samples);
      std::memcpy(s.data(), copy.data(), copy.size());
      for (auto x : s) torn |= x != s[0];
      torn |= s[0] != static_cast<std::int16_t>(published - 1);
      ++accepted;
    } else {
      ++rejected;
    }
  }
  writer.join();
  CHECK_FALSE(torn);
  CHECK(accepted > 0);
  MESSAGE("accepted " << accepted << ", rejected " << rejected);
}
