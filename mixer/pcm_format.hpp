#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace mixmatrix::mixer {

/// How one sample is written on the wire: little-endian signed 16, 24 (3 bytes, packed) or 32
/// bits, or 32-bit float with full scale at ±1.0; or big-endian (network order) signed 16 or 24
/// bits, RTP's L16 and L24.
enum class sample_encoding { s16, s24, s32, f32, s16be, s24be };

/// Interleaved PCM on the wire: its sample encoding and 1 (mono) or 2 (stereo) channels. The rate
/// is no business of the conversion.
struct pcm_format {
  sample_encoding encoding = sample_encoding::s16;
  std::uint32_t channels = 2;
  bool operator==(const pcm_format&) const = default;
};

/// The backplane's own: s16 stereo, what every input ring holds and every channel publishes.
inline constexpr pcm_format backplane_pcm{};

/// Bytes of one sample: 2, 3, 4, 4, 2 or 3.
std::size_t sample_bytes(sample_encoding e);
/// Bytes of one frame: a sample per channel.
std::size_t frame_bytes(pcm_format f);

/// One stream's TPDF dither: a xorshift32 generator (`random` never 0: it would stay there) and
/// which of the last 32 samples reduced needed rounding. While none did (silence, or 16-bit
/// content in a wider format) samples pass unchanged, without dither, as SoX's `dither -a` does.
struct dither_state {
  std::uint32_t random = 0x9e3779b9u;
  std::uint32_t inexact = 0;
};

/// Converts whole frames of `from` (`in`: frames * frame_bytes(from) bytes) to s16 stereo (`out`:
/// frames * 2 samples). Mono goes to both channels; s24, s32 and f32 are rounded to 16 bits with
/// TPDF dither (±1 LSB, from `dither`); f32 saturates at full scale and NaN is 0. No allocation.
void decode_frames(pcm_format from, std::span<const std::byte> in, std::span<std::int16_t> out,
                   dither_state& dither);
/// Converts whole s16 stereo frames (`in`: frames * 2 samples) to `to` (`out`: frames *
/// frame_bytes(to) bytes), exactly; mono is the mean of left and right (rounded half to even in
/// s16, exact in the wider formats). No allocation.
void encode_frames(pcm_format to, std::span<const std::int16_t> in, std::span<std::byte> out);

}  // namespace mixmatrix::mixer
