#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "mixer/pcm_format.hpp"

namespace mixmatrix::mixer {

/// Turns wire PCM that arrives cut anywhere (a TCP read may end inside a sample) into whole s16
/// stereo frames: bytes are read into its staging buffer, whole frames are converted
/// (decode_frames, with this stream's dither) and the bytes of a partial frame kept for the next
/// read. Allocates only when constructed; one thread.
class frame_assembler {
 public:
  /// For PCM in `format`, at most `max_frames` (at least 1) frames a read.
  frame_assembler(pcm_format format, std::size_t max_frames);

  /// The wire format.
  pcm_format format() const { return format_; }
  /// Where the next bytes go: room for `frames` frames (at most max_frames) less the bytes of
  /// the partial frame held; never empty for frames >= 1.
  std::span<std::byte> space(std::size_t frames);
  /// `bytes` were written at the start of space(): converts every whole frame held and keeps the
  /// rest; the s16 stereo samples, valid until the next call.
  std::span<const std::int16_t> commit(std::size_t bytes);
  /// Bytes of a partial frame held.
  std::size_t held() const { return held_; }

 private:
  pcm_format format_;
  std::size_t frame_bytes_;
  std::size_t max_frames_;
  std::vector<std::byte> staging_;
  std::vector<std::int16_t> converted_;
  std::size_t held_ = 0;
  dither_state dither_;
};

}  // namespace mixmatrix::mixer
