#include "mixer/pcm_format.hpp"

#include <bit>
#include <cassert>
#include <cstring>
#include <iterator>

namespace mixmatrix::mixer {
namespace {

static_assert(std::endian::native == std::endian::little, "samples are copied as they lie on the wire");

// xorshift32 (Marsaglia, 2003): three shifts a sample, plenty for dither.
std::uint32_t next_random(dither_state& d) {
  std::uint32_t x = d.random;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  d.random = x;
  return x;
}

// TPDF dither in 1/65536 of an output LSB: the difference of two uniform values, in (-1, 1) LSB;
// 0 while the last 32 samples were all exact.
std::int32_t tpdf(dither_state& d, bool inexact) {
  d.inexact = (d.inexact << 1) | static_cast<std::uint32_t>(inexact);
  if (d.inexact == 0) return 0;
  const std::uint32_t r = next_random(d);
  return static_cast<std::int32_t>(r & 0xffffu) - static_cast<std::int32_t>(r >> 16);
}

std::int16_t saturate(std::int64_t v) {
  return static_cast<std::int16_t>(v < -32768 ? -32768 : (v > 32767 ? 32767 : v));
}

// A 32-bit sample (16.16 in output LSBs) rounded to 16 bits: every wider format comes through here.
std::int16_t reduce_32(std::int32_t v, dither_state& d) {
  const std::int32_t dither = tpdf(d, (v & 0xffff) != 0);
  return saturate((static_cast<std::int64_t>(v) + 32768 + dither) >> 16);
}

std::int32_t read_s24_as_32(const std::byte* p) {
  const auto u = static_cast<std::uint32_t>(p[0]) << 8 | static_cast<std::uint32_t>(p[1]) << 16 |
                 static_cast<std::uint32_t>(p[2]) << 24;
  return static_cast<std::int32_t>(u);
}

// A float as a 32-bit sample: saturated at ±1.0, NaN as 0; the bits below 1/65536 LSB of the
// result are truncated, which no dither could tell.
std::int32_t read_f32_as_32(const std::byte* p) {
  float x;
  std::memcpy(&x, p, sizeof x);
  if (x != x) return 0;
  const float v = x * 2147483648.0f;
  if (v <= -2147483648.0f) return -2147483647 - 1;
  if (v >= 2147483520.0f) return 2147483520;  // the largest float below 2^31
  return static_cast<std::int32_t>(v);
}

// One wire sample as the backplane's.
std::int16_t sample_s16(const std::byte* p, dither_state&) {
  std::int16_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
std::int16_t sample_s24(const std::byte* p, dither_state& d) {
  return reduce_32(read_s24_as_32(p), d);
}
std::int16_t sample_s32(const std::byte* p, dither_state& d) {
  std::int32_t v;
  std::memcpy(&v, p, sizeof v);
  return reduce_32(v, d);
}
std::int16_t sample_f32(const std::byte* p, dither_state& d) {
  return reduce_32(read_f32_as_32(p), d);
}
std::int16_t sample_s16be(const std::byte* p, dither_state&) {
  std::uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return static_cast<std::int16_t>(v << 8 | v >> 8);
}
std::int16_t sample_s24be(const std::byte* p, dither_state& d) {
  const auto u = static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
                 static_cast<std::uint32_t>(p[2]) << 8;
  return reduce_32(static_cast<std::int32_t>(u), d);
}

// One wire sample from the sum of two s16 values: a stereo sample twice, or a mono frame's left
// and right, so one writer serves both and mono is the mean.
void write_s16(std::byte* p, std::int32_t sum) {
  std::int32_t mean = sum >> 1;
  mean += sum & mean & 1;  // a tie (an odd sum) goes to the even neighbour
  const auto v = static_cast<std::int16_t>(mean);
  std::memcpy(p, &v, sizeof v);
}

void write_s24(std::byte* p, std::int32_t sum) {
  const auto u = static_cast<std::uint32_t>(sum * 128);
  p[0] = static_cast<std::byte>(u);
  p[1] = static_cast<std::byte>(u >> 8);
  p[2] = static_cast<std::byte>(u >> 16);
}

void write_s32(std::byte* p, std::int32_t sum) {
  const std::int32_t v = sum * 32768;
  std::memcpy(p, &v, sizeof v);
}

void write_f32(std::byte* p, std::int32_t sum) {
  const float v = static_cast<float>(sum) * (1.0f / 65536.0f);
  std::memcpy(p, &v, sizeof v);
}

void write_s16be(std::byte* p, std::int32_t sum) {
  std::byte le[2];
  write_s16(le, sum);
  p[0] = le[1];
  p[1] = le[0];
}

void write_s24be(std::byte* p, std::int32_t sum) {
  const auto u = static_cast<std::uint32_t>(sum * 128);
  p[0] = static_cast<std::byte>(u >> 16);
  p[1] = static_cast<std::byte>(u >> 8);
  p[2] = static_cast<std::byte>(u);
}

using sample_reader = std::int16_t (*)(const std::byte*, dither_state&);
using sample_writer = void (*)(std::byte*, std::int32_t);

// Every frame: mono samples go to both channels. The reader is a template argument, so each
// format's loop is compiled with its sample code inlined; __restrict, because bytes may alias
// anything and the loops would otherwise not be vectorized (s16 ran at a twentieth of memcpy).
template <std::size_t bytes, sample_reader read>
void decode_as(std::uint32_t channels, const std::byte* __restrict in, std::int16_t* __restrict out,
               std::size_t frames, dither_state& d) {
  if (channels == 2) {
    for (std::size_t i = 0; i < frames * 2; ++i) out[i] = read(in + i * bytes, d);
    return;
  }
  for (std::size_t i = 0; i < frames; ++i) out[2 * i] = out[2 * i + 1] = read(in + i * bytes, d);
}

template <std::size_t bytes, sample_writer write>
void encode_as(std::uint32_t channels, const std::int16_t* __restrict in, std::byte* __restrict out,
               std::size_t frames) {
  if (channels == 2) {
    for (std::size_t i = 0; i < frames * 2; ++i) write(out + i * bytes, 2 * static_cast<std::int32_t>(in[i]));
    return;
  }
  for (std::size_t i = 0; i < frames; ++i) {
    write(out + i * bytes, static_cast<std::int32_t>(in[2 * i]) + static_cast<std::int32_t>(in[2 * i + 1]));
  }
}

// A sample encoding's size and its loops both ways.
struct codec {
  std::size_t bytes;
  void (*decode)(std::uint32_t, const std::byte*, std::int16_t*, std::size_t, dither_state&);
  void (*encode)(std::uint32_t, const std::int16_t*, std::byte*, std::size_t);
};

template <std::size_t bytes, sample_reader read, sample_writer write>
constexpr codec codec_for{bytes, decode_as<bytes, read>, encode_as<bytes, write>};

// In the order of sample_encoding.
constexpr codec codecs[] = {codec_for<2, sample_s16, write_s16>,     codec_for<3, sample_s24, write_s24>,
                            codec_for<4, sample_s32, write_s32>,     codec_for<4, sample_f32, write_f32>,
                            codec_for<2, sample_s16be, write_s16be>, codec_for<3, sample_s24be, write_s24be>};
static_assert(std::size(codecs) == static_cast<std::size_t>(sample_encoding::s24be) + 1);

const codec& codec_of(sample_encoding e) {
  return codecs[static_cast<std::size_t>(e)];
}

// The frames of a conversion between `samples` s16 stereo samples and `bytes` of `f`: the
// preconditions of both directions.
std::size_t whole_frames([[maybe_unused]] pcm_format f, std::size_t samples,
                         [[maybe_unused]] std::size_t bytes) {
  assert((f.channels == 1 || f.channels == 2) && samples % 2 == 0);
  assert(bytes == samples / 2 * frame_bytes(f));
  return samples / 2;
}

}  // namespace

std::size_t sample_bytes(sample_encoding e) {
  return codec_of(e).bytes;
}

std::size_t frame_bytes(pcm_format f) {
  return sample_bytes(f.encoding) * f.channels;
}

void decode_frames(pcm_format from, std::span<const std::byte> in, std::span<std::int16_t> out,
                   dither_state& dither) {
  const std::size_t frames = whole_frames(from, out.size(), in.size());
  codec_of(from.encoding).decode(from.channels, in.data(), out.data(), frames, dither);
}

void encode_frames(pcm_format to, std::span<const std::int16_t> in, std::span<std::byte> out) {
  const std::size_t frames = whole_frames(to, in.size(), out.size());
  codec_of(to.encoding).encode(to.channels, in.data(), out.data(), frames);
}

}  // namespace mixmatrix::mixer
