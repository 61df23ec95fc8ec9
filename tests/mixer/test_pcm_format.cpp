#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "mixer/pcm_format.hpp"

using namespace mixmatrix::mixer;

namespace {

constexpr sample_encoding all_encodings[] = {sample_encoding::s16,   sample_encoding::s24,
                                             sample_encoding::s32,   sample_encoding::f32,
                                             sample_encoding::s16be, sample_encoding::s24be};

std::vector<std::int16_t> decode(pcm_format from, const std::vector<std::byte>& bytes, dither_state& dither) {
  std::vector<std::int16_t> out(bytes.size() / frame_bytes(from) * 2);
  decode_frames(from, bytes, out, dither);
  return out;
}

std::vector<std::int16_t> decode(pcm_format from, const std::vector<std::byte>& bytes) {
  dither_state dither;
  return decode(from, bytes, dither);
}

std::vector<std::byte> encode(pcm_format to, const std::vector<std::int16_t>& stereo) {
  std::vector<std::byte> out(stereo.size() / 2 * frame_bytes(to));
  encode_frames(to, stereo, out);
  return out;
}

// Wire bytes of raw samples, little-endian as they are sent.
std::vector<std::byte> s24_bytes(const std::vector<std::int32_t>& samples) {
  std::vector<std::byte> out;
  for (const std::int32_t v : samples) {
    const auto u = static_cast<std::uint32_t>(v);
    for (int shift : {0, 8, 16}) out.push_back(static_cast<std::byte>(u >> shift));
  }
  return out;
}

template <class T>
std::vector<std::byte> raw_bytes(const std::vector<T>& samples) {
  std::vector<std::byte> out(samples.size() * sizeof(T));
  std::memcpy(out.data(), samples.data(), out.size());
  return out;
}

// Every s16 value once, in left and right (right reversed, so the channels differ).
std::vector<std::int16_t> every_s16_value() {
  std::vector<std::int16_t> stereo;
  for (int v = -32768; v <= 32767; ++v) {
    stereo.push_back(static_cast<std::int16_t>(v));
    stereo.push_back(static_cast<std::int16_t>(-1 - v));
  }
  return stereo;
}

}  // namespace

TEST_CASE("pcm format: bytes per sample and per frame") {
  CHECK(sample_bytes(sample_encoding::s16) == 2);
  CHECK(sample_bytes(sample_encoding::s24) == 3);
  CHECK(sample_bytes(sample_encoding::s32) == 4);
  CHECK(sample_bytes(sample_encoding::f32) == 4);
  CHECK(frame_bytes(backplane_pcm) == 4);
  CHECK(frame_bytes({sample_encoding::s24, 1}) == 3);
  CHECK(frame_bytes({sample_encoding::s24, 2}) == 6);
  CHECK(frame_bytes({sample_encoding::f32, 2}) == 8);
}

TEST_CASE("pcm format: stereo round trips of every s16 value are exact in every format") {
  const auto stereo = every_s16_value();
  for (const auto e : all_encodings) {
    const pcm_format f{e, 2};
    CHECK_MESSAGE(decode(f, encode(f, stereo)) == stereo, "encoding " << static_cast<int>(e));
  }
}

TEST_CASE("pcm format: mono goes to both channels on the way in, and is the mean on the way out") {
  const std::vector<std::int16_t> mono{0, 1, -1, 32767, -32768, 1234};
  std::vector<std::int16_t> both;
  for (auto v : mono) both.insert(both.end(), {v, v});
  for (const auto e : all_encodings) {
    const pcm_format f{e, 1};
    const auto wire = encode(f, both);
    CHECK(wire.size() == mono.size() * sample_bytes(e));
    CHECK(decode(f, wire) == both);
  }
  // The mean: exact in the wider formats, rounded half to even in s16.
  const std::vector<std::int16_t> pairs{1,     2,     0,      1,      -1,    0,      -2,  -1,
                                        32767, 32767, -32768, -32768, 32767, -32768, 100, -50};
  std::vector<std::int16_t> s16(pairs.size() / 2);
  std::memcpy(s16.data(), encode({sample_encoding::s16, 1}, pairs).data(), s16.size() * 2);
  CHECK(s16 == std::vector<std::int16_t>{2, 0, 0, -2, 32767, -32768, 0, 25});
  std::vector<float> f32(pairs.size() / 2);
  std::memcpy(f32.data(), encode({sample_encoding::f32, 1}, pairs).data(), f32.size() * 4);
  std::vector<std::int32_t> s32(pairs.size() / 2);
  std::memcpy(s32.data(), encode({sample_encoding::s32, 1}, pairs).data(), s32.size() * 4);
  const auto s24 = encode({sample_encoding::s24, 1}, pairs);
  for (std::size_t i = 0; i < pairs.size() / 2; ++i) {
    const double mean = (pairs[2 * i] + pairs[2 * i + 1]) / 2.0;
    CHECK(f32[i] == static_cast<float>(mean / 32768));
    CHECK(s32[i] == static_cast<std::int32_t>(mean * 65536));
    const auto u = static_cast<std::uint32_t>(s24[3 * i]) | static_cast<std::uint32_t>(s24[3 * i + 1]) << 8 |
                   static_cast<std::uint32_t>(s24[3 * i + 2]) << 16;
    CHECK(static_cast<std::int32_t>(u << 8) / 256 == static_cast<std::int32_t>(mean * 256));
  }
}

TEST_CASE("pcm format: samples lie little-endian on the wire, s24 packed in 3 bytes") {
  const std::vector<std::int16_t> frame{1, -32768};
  const auto s24 = encode({sample_encoding::s24, 2}, frame);
  CHECK(s24 == std::vector<std::byte>{std::byte{0x00}, std::byte{0x01}, std::byte{0x00}, std::byte{0x00},
                                      std::byte{0x00}, std::byte{0x80}});
  const auto s32 = encode({sample_encoding::s32, 2}, frame);
  CHECK(s32 == std::vector<std::byte>{std::byte{0}, std::byte{0}, std::byte{0x01}, std::byte{0}, std::byte{0},
                                      std::byte{0}, std::byte{0}, std::byte{0x80}});
  const auto f32 = encode({sample_encoding::f32, 2}, frame);
  CHECK(std::vector<std::byte>(f32.begin() + 4, f32.end()) ==
        std::vector<std::byte>{std::byte{0}, std::byte{0}, std::byte{0x80}, std::byte{0xbf}});  // -1.0f
  CHECK(decode({sample_encoding::s24, 1}, {std::byte{0xff}, std::byte{0xff}, std::byte{0x7f}}) ==
        std::vector<std::int16_t>{32767, 32767});
}

TEST_CASE("pcm format: extremes saturate, NaN is silence") {
  CHECK(decode({sample_encoding::s24, 2}, s24_bytes({0x7fffff, -0x800000})) ==
        std::vector<std::int16_t>{32767, -32768});
  CHECK(decode({sample_encoding::s32, 2},
               raw_bytes<std::int32_t>(
                   {std::numeric_limits<std::int32_t>::max(), std::numeric_limits<std::int32_t>::min()})) ==
        std::vector<std::int16_t>{32767, -32768});
  // One float at a time, each a stream of its own: a value the dither of others could move is exact here.
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::pair<float, std::int16_t> floats[] = {{1.0f, 32767},
                                                   {-1.0f, -32768},
                                                   {2.5f, 32767},
                                                   {-7.0f, -32768},
                                                   {inf, 32767},
                                                   {-inf, -32768},
                                                   {nan, 0},
                                                   {-nan, 0},
                                                   {1e-30f, 0},
                                                   {-1e-30f, 0},
                                                   {std::numeric_limits<float>::max(), 32767},
                                                   {std::numeric_limits<float>::lowest(), -32768},
                                                   {std::numeric_limits<float>::denorm_min(), 0},
                                                   {32767.0f / 32768, 32767}};
  for (const auto& pair : floats) {
    const float x = pair.first;  // a name of its own: clang 14 cannot capture a structured binding
    const auto out = decode({sample_encoding::f32, 1}, raw_bytes(std::vector<float>{x}));
    const std::vector<std::int16_t> both(2, pair.second);
    CHECK_MESSAGE(out == both, x);
  }
  // The largest values below full scale round to it, never past it, dither or not.
  dither_state dither;
  const auto near_top =
      decode({sample_encoding::s24, 1}, s24_bytes(std::vector<std::int32_t>(5000, 0x7fff7f)), dither);
  for (auto v : near_top) REQUIRE((v == 32767 || v == 32766));
}

TEST_CASE(
    "pcm format: reduced samples are TPDF-dithered: unbiased, within 1 LSB, with the noise of ±1 LSB TPDF") {
  // High-resolution noise in each wider format: the error against the exact value has mean 0 and
  // variance 1/12 (rounding) + 1/6 (TPDF dither) = 1/4 LSB^2, and no sample is 1.5 LSB or more off.
  std::mt19937 random(7);
  std::uniform_int_distribution<std::int32_t> value(-0x7fff0000, 0x7fff0000);
  std::vector<std::int32_t> s32(200000);
  for (auto& v : s32) v = value(random);
  std::vector<std::int32_t> s24(s32.size());
  std::vector<float> f32(s32.size());
  for (std::size_t i = 0; i < s32.size(); ++i) {
    s24[i] = s32[i] / 256;
    f32[i] = static_cast<float>(s32[i] / 2147483648.0);
  }
  struct reduced {
    pcm_format format;
    std::vector<std::byte> wire;
    std::vector<double> exact;
  };
  std::vector<reduced> cases{{{sample_encoding::s32, 2}, raw_bytes(s32), {}},
                             {{sample_encoding::s24, 1}, s24_bytes(s24), {}},
                             {{sample_encoding::f32, 2}, raw_bytes(f32), {}}};
  for (std::size_t i = 0; i < s32.size(); ++i) {
    cases[0].exact.push_back(s32[i] / 65536.0);
    cases[1].exact.push_back(s24[i] / 256.0);
    cases[2].exact.push_back(static_cast<double>(f32[i]) * 32768);
  }
  for (const auto& c : cases) {
    const auto out = decode(c.format, c.wire);
    double sum = 0;
    double squares = 0;
    double worst = 0;
    const std::size_t step = 2 / c.format.channels;  // mono: every other output sample is a copy
    for (std::size_t i = 0; i < c.exact.size(); ++i) {
      const double error = out[i * step] - c.exact[i];
      sum += error;
      squares += error * error;
      worst = std::max(worst, std::abs(error));
      REQUIRE(std::abs(out[i * step] - std::round(c.exact[i])) <= 1);
    }
    const double n = static_cast<double>(c.exact.size());
    CHECK(std::abs(sum / n) < 0.01);
    CHECK(squares / n == doctest::Approx(0.25).epsilon(0.03));
    CHECK(worst < 1.5);
  }
}

TEST_CASE("pcm format: a constant between two steps averages to itself (dither, not plain rounding)") {
  for (const double fraction : {0.25, 0.5, 0.75}) {
    const auto step = static_cast<std::int32_t>(fraction * 256);
    const auto out =
        decode({sample_encoding::s24, 1}, s24_bytes(std::vector<std::int32_t>(100000, 1000 * 256 + step)));
    double sum = 0;
    for (auto v : out) {
      REQUIRE((v >= 999 && v <= 1002));
      sum += v;
    }
    CHECK(std::abs(sum / static_cast<double>(out.size()) - (1000 + fraction)) < 0.01);
  }
}

TEST_CASE(
    "pcm format: silence and 16-bit content in a wider format pass unchanged (dither only where needed)") {
  // After 32 exact samples the dither is off, so a wide stream's silence is digital silence again;
  // one exact sample among inexact ones is still dithered.
  std::vector<std::int32_t> samples(1000, 0x12345);  // inexact: the low byte is not 0
  samples.resize(1100, 0);
  samples[500] = 0x12300;
  dither_state dither;
  const auto out = decode({sample_encoding::s24, 1}, s24_bytes(samples), dither);
  std::vector<std::int16_t> tail;
  for (std::size_t i = 1000 + 32; i < 1100; ++i) tail.push_back(out[2 * i]);
  CHECK(tail == std::vector<std::int16_t>(tail.size(), 0));
  std::size_t dithered_at_500 = 0;
  for (int round = 0; round < 200; ++round) {
    const auto again = decode({sample_encoding::s24, 1}, s24_bytes(samples), dither);
    dithered_at_500 += again[1000] != 0x123;
  }
  CHECK(dithered_at_500 > 20);  // P(|TPDF| >= 0.5) = 1/4
}

TEST_CASE("pcm format: conversion writes exactly its frames") {
  // Guard samples around the output must survive every conversion.
  for (const auto e : all_encodings) {
    for (std::uint32_t channels : {1u, 2u}) {
      const pcm_format f{e, channels};
      const std::vector<std::int16_t> frames{100, -100, 200, -200, 300, -300};
      std::vector<std::byte> wire(frame_bytes(f) * 3 + 2, std::byte{0x5a});
      encode_frames(f, frames, std::span(wire).subspan(1, frame_bytes(f) * 3));
      CHECK(wire.front() == std::byte{0x5a});
      CHECK(wire.back() == std::byte{0x5a});
      std::vector<std::int16_t> back(8, 0x5a5a);
      dither_state dither;
      decode_frames(f, std::span(wire).subspan(1, frame_bytes(f) * 3), std::span(back).subspan(1, 6), dither);
      CHECK(back.front() == 0x5a5a);
      CHECK(back.back() == 0x5a5a);
    }
  }
}

TEST_CASE("pcm format: RTP's L16 and L24 are big-endian (network order)") {
  const std::vector<std::int16_t> stereo{0x1234, -2};
  CHECK(encode({sample_encoding::s16be, 2}, stereo) ==
        std::vector<std::byte>{std::byte{0x12}, std::byte{0x34}, std::byte{0xff}, std::byte{0xfe}});
  CHECK(encode({sample_encoding::s24be, 2}, stereo) ==
        std::vector<std::byte>{std::byte{0x12}, std::byte{0x34}, std::byte{0x00}, std::byte{0xff},
                               std::byte{0xfe}, std::byte{0x00}});
  // 24 bits in: the top 16 (exact here: no dither where nothing is lost).
  CHECK(decode({sample_encoding::s24be, 1}, {std::byte{0x12}, std::byte{0x34}, std::byte{0x00}}) ==
        std::vector<std::int16_t>{0x1234, 0x1234});
  CHECK(decode({sample_encoding::s16be, 1}, {std::byte{0x80}, std::byte{0x00}}) ==
        std::vector<std::int16_t>{-32768, -32768});
}
