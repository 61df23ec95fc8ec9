#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/failure.hpp"

namespace mixmatrix::protocol {

/// How a sample is written on the wire, little-endian and interleaved: 16 bits, 24 bits (3 bytes,
/// packed), 32 bits, or 32-bit float (full scale ±1.0).
enum class sample_format { s16le, s24le, s32le, f32le };

/// The lowest RATE a stream format may state, in Hz.
inline constexpr std::uint32_t min_stream_rate = 8000;
/// The highest RATE a stream format may state, in Hz.
inline constexpr std::uint32_t max_stream_rate = 192000;

/// PCM as a handshake or a raw port states it: `FORMAT RATE CHANNELS` (1 or 2 channels).
struct stream_format {
  sample_format sample = sample_format::s16le;
  std::uint32_t rate = 44100;
  std::uint32_t channels = 2;
  bool operator==(const stream_format&) const = default;
};

/// s16le stereo at `rate`: the backplane's own format, which a handshake or raw port without one gets.
stream_format backplane_format(std::uint32_t rate);
/// The words FORMAT RATE CHANNELS (FORMAT case-insensitive); a 400 naming what is unsupported.
result<stream_format> parse_stream_format(std::string_view format, std::string_view rate,
                                          std::string_view channels);
/// The three words, as parse_stream_format reads them: `s24le 48000 1`.
std::string format_stream_format(const stream_format& f);
/// The FORMAT word: `s16le`, `s24le`, `s32le` or `f32le`.
std::string_view sample_format_name(sample_format s);

}  // namespace mixmatrix::protocol
