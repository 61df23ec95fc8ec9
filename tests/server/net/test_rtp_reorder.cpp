#include <doctest/doctest.h>

#include <vector>

#include "server/net/rtp/rtp_reorder.hpp"

using mixmatrix::protocol::rtp_header;
using mixmatrix::server::rtp_reorder;

namespace {
constexpr std::size_t packet_frames = 4;

// Packet `n` of a stream starting at sequence `first_sequence` and timestamp `first_timestamp`:
// its frames carry their own frame number (n * packet_frames + i + 1) in both channels.
struct stream {
  std::uint16_t first_sequence = 65530;  // wraps within the test
  std::uint32_t first_timestamp = 0xfffffff0u;
  std::uint32_t ssrc = 7;

  rtp_header header(std::uint32_t n) const {
    return {false, 10, static_cast<std::uint16_t>(first_sequence + n),
            first_timestamp + static_cast<std::uint32_t>(n * packet_frames), ssrc};
  }
  static std::vector<std::int16_t> samples(std::uint32_t n) {
    std::vector<std::int16_t> s;
    for (std::size_t i = 0; i < packet_frames; ++i) {
      const auto v = static_cast<std::int16_t>(n * packet_frames + i + 1);
      s.push_back(v);
      s.push_back(v);
    }
    return s;
  }
};

// The left channel of what was released.
std::vector<int> left(const std::vector<std::int16_t>& out) {
  std::vector<int> l;
  for (std::size_t i = 0; i < out.size(); i += 2) l.push_back(out[i]);
  return l;
}

std::vector<int> counting(int from, int to) {
  std::vector<int> v;
  for (int i = from; i <= to; ++i) v.push_back(i);
  return v;
}
}  // namespace

TEST_CASE("packets in order pass at once, across sequence and timestamp wrap") {
  rtp_reorder r(16, 1000);
  stream s;
  std::vector<std::int16_t> out;
  for (std::uint32_t n = 0; n < 10; ++n) r.push(s.header(n), stream::samples(n), out);
  CHECK(left(out) == counting(1, 40));
  CHECK(r.counts().packets == 10);
  CHECK(r.counts().lost == 0);
  CHECK(r.counts().reordered == 0);
  CHECK_FALSE(r.holding());
  CHECK(r.ssrc() == 7);
}

TEST_CASE("a swapped pair is put back in order and counted once as reordered") {
  rtp_reorder r(16, 1000);
  stream s;
  std::vector<std::int16_t> out;
  for (std::uint32_t n : {0u, 2u, 1u, 3u}) r.push(s.header(n), stream::samples(n), out);
  CHECK(left(out) == counting(1, 16));
  CHECK(r.counts().reordered == 1);
  CHECK(r.counts().lost == 0);
}

TEST_CASE("a duplicate is dropped and counted, and a packet after its turn is late") {
  rtp_reorder r(8, 1000);
  stream s;
  std::vector<std::int16_t> out;
  r.push(s.header(0), stream::samples(0), out);
  r.push(s.header(0), stream::samples(0), out);
  CHECK(r.counts().duplicates == 1);
  // Packet 1 never comes in time: 2, 3 and 4 span more than the window of 8 frames past the gap.
  for (std::uint32_t n : {2u, 3u, 4u}) r.push(s.header(n), stream::samples(n), out);
  CHECK(r.counts().lost == 1);
  r.push(s.header(1), stream::samples(1), out);
  CHECK(r.counts().late == 1);
  auto want = counting(1, 4);
  want.insert(want.end(), packet_frames, 0);  // packet 1: silence in its place
  const auto rest = counting(9, 20);
  want.insert(want.end(), rest.begin(), rest.end());
  CHECK(left(out) == want);
}

TEST_CASE("a gap is held for the window, then played as silence of its length") {
  rtp_reorder r(12, 1000);
  stream s;
  std::vector<std::int16_t> out;
  r.push(s.header(0), stream::samples(0), out);
  r.push(s.header(3), stream::samples(3), out);  // 1 and 2 missing
  CHECK(r.holding());
  CHECK(left(out) == counting(1, 4));
  r.flush(out);
  CHECK_FALSE(r.holding());
  auto want = counting(1, 4);
  want.insert(want.end(), 2 * packet_frames, 0);
  const auto rest = counting(13, 16);
  want.insert(want.end(), rest.begin(), rest.end());
  CHECK(left(out) == want);
  CHECK(r.counts().lost == 2);
}

TEST_CASE("a new SSRC or a jump past the largest starts the timeline again, and is counted") {
  rtp_reorder r(16, 100);
  stream s;
  std::vector<std::int16_t> out;
  r.push(s.header(0), stream::samples(0), out);
  stream other = s;
  other.ssrc = 8;
  other.first_timestamp = 12345;
  other.first_sequence = 1;
  r.push(other.header(5), stream::samples(5), out);
  CHECK(r.ssrc() == 8);
  CHECK(r.counts().resyncs == 1);
  stream jumped = other;
  jumped.first_timestamp += 1000;  // far past 100 frames
  r.push(jumped.header(6), stream::samples(6), out);
  CHECK(r.counts().resyncs == 2);
  auto want = counting(1, 4);
  const auto five = counting(21, 24);
  const auto six = counting(25, 28);
  want.insert(want.end(), five.begin(), five.end());
  want.insert(want.end(), six.begin(), six.end());
  CHECK(left(out) == want);
  CHECK(r.counts().lost == 0);
}

TEST_CASE("a packet overlapping what was released gives only its new frames") {
  rtp_reorder r(16, 1000);
  stream s;
  std::vector<std::int16_t> out;
  r.push(s.header(0), stream::samples(0), out);
  // A packet that starts two frames into packet 0 and brings six frames (3..8).
  rtp_header h = s.header(0);
  h.sequence = static_cast<std::uint16_t>(h.sequence + 1);
  h.timestamp += 2;
  std::vector<std::int16_t> samples;
  for (int v = 3; v <= 8; ++v)
    samples.insert(samples.end(), {static_cast<std::int16_t>(v), static_cast<std::int16_t>(v)});
  r.push(h, samples, out);
  CHECK(left(out) == counting(1, 8));
}
