#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

#include "mixer/frame_assembler.hpp"

using namespace mixmatrix::mixer;

namespace {

// Wire bytes that are not 16-bit exact in the wider formats, so the dither is at work too.
std::vector<std::byte> wire_noise(std::size_t bytes, unsigned seed) {
  std::mt19937 random(seed);
  std::vector<std::byte> out(bytes);
  for (auto& b : out) b = static_cast<std::byte>(random());
  return out;
}

// Float noise within full scale (random bytes would be NaNs and huge values, mostly).
std::vector<std::byte> float_noise(std::size_t samples, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  std::vector<std::byte> out(samples * 4);
  for (std::size_t i = 0; i < samples; ++i) {
    const float v = value(random);
    std::memcpy(out.data() + 4 * i, &v, 4);
  }
  return out;
}

// Feeds `wire` in pieces of the sizes `cut` picks (each at most what space() offers for `frames`)
// and collects what comes out.
template <class Cut>
std::vector<std::int16_t> assemble(frame_assembler& a, const std::vector<std::byte>& wire, std::size_t frames,
                                   Cut cut) {
  std::vector<std::int16_t> out;
  for (std::size_t at = 0; at < wire.size();) {
    const auto space = a.space(frames);
    REQUIRE(!space.empty());
    const std::size_t n = std::min({cut(space.size()), space.size(), wire.size() - at});
    std::memcpy(space.data(), wire.data() + at, n);
    at += n;
    const auto converted = a.commit(n);
    out.insert(out.end(), converted.begin(), converted.end());
  }
  return out;
}

}  // namespace

TEST_CASE("frame assembler: bytes cut anywhere give what the whole stream gives, in every format") {
  for (const auto e :
       {sample_encoding::s16, sample_encoding::s24, sample_encoding::s32, sample_encoding::f32}) {
    for (std::uint32_t channels : {1u, 2u}) {
      const pcm_format f{e, channels};
      const std::size_t frames = 3000;
      const auto wire = e == sample_encoding::f32 ? float_noise(frames * channels, 1)
                                                  : wire_noise(frames * frame_bytes(f), 1);
      std::vector<std::int16_t> whole(frames * 2);
      dither_state dither;
      decode_frames(f, wire, whole, dither);
      std::mt19937 random(static_cast<unsigned>(frame_bytes(f)));
      for (const std::size_t per_read : {std::size_t{1}, std::size_t{7}, std::size_t{256}}) {
        frame_assembler bytewise(f, per_read);
        CHECK_MESSAGE(assemble(bytewise, wire, per_read, [](std::size_t) { return std::size_t{1}; }) == whole,
                      "one byte a read, format " << static_cast<int>(e) << "/" << channels);
        frame_assembler ragged(f, per_read);
        CHECK_MESSAGE(
            assemble(ragged, wire, per_read, [&](std::size_t room) { return 1 + random() % room; }) == whole,
            "ragged reads, format " << static_cast<int>(e) << "/" << channels);
        CHECK(ragged.held() == 0);
      }
    }
  }
}

TEST_CASE("frame assembler: a 3-byte sample split across reads, and room that shrinks by what it holds") {
  frame_assembler a({sample_encoding::s24, 2}, 4);
  CHECK(a.space(4).size() == 24);
  CHECK(a.space(100).size() == 24);  // at most max_frames
  CHECK(a.space(1).size() == 6);
  CHECK(a.space(0).empty());
  // Left 1.0 (0x000100 in 24 bits: 1 LSB of 16), right -1 LSB, as bytes 0 | 1 0 | 0 0 | ff ff | ff.
  const std::byte frame[] = {std::byte{0x00}, std::byte{0x01}, std::byte{0x00},
                             std::byte{0x00}, std::byte{0xff}, std::byte{0xff}};
  auto space = a.space(1);
  space[0] = frame[0];
  CHECK(a.commit(1).empty());
  CHECK(a.held() == 1);
  space = a.space(1);
  CHECK(space.size() == 5);
  std::memcpy(space.data(), frame + 1, 2);
  CHECK(a.commit(2).empty());
  CHECK(a.held() == 3);
  space = a.space(2);
  CHECK(space.size() == 9);
  std::memcpy(space.data(), frame + 3, 3);
  std::memcpy(space.data() + 3, frame, 1);  // the first byte of the next frame
  const auto out = a.commit(4);
  CHECK(std::vector<std::int16_t>(out.begin(), out.end()) == std::vector<std::int16_t>{1, -1});
  CHECK(a.held() == 1);
}

TEST_CASE("frame assembler: s16 mono, the format whose converted frames outgrow the bytes read") {
  frame_assembler a({sample_encoding::s16, 1}, 8);
  const std::vector<std::int16_t> mono{1, 2, 3, 4, 5, 6, 7, 8};
  auto space = a.space(8);
  REQUIRE(space.size() == 16);
  std::memcpy(space.data(), mono.data(), 16);
  const auto out = a.commit(16);
  CHECK(std::vector<std::int16_t>(out.begin(), out.end()) ==
        std::vector<std::int16_t>{1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8});
}
