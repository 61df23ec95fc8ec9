#include "mixer/frame_assembler.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace mixmatrix::mixer {

frame_assembler::frame_assembler(pcm_format format, std::size_t max_frames)
    : format_(format),
      frame_bytes_(frame_bytes(format)),
      max_frames_(std::max<std::size_t>(max_frames, 1)),
      staging_(max_frames_ * frame_bytes_),
      converted_(max_frames_ * 2) {}

std::span<std::byte> frame_assembler::space(std::size_t frames) {
  const std::size_t room = std::min(frames, max_frames_) * frame_bytes_;
  return std::span(staging_).subspan(held_, room > held_ ? room - held_ : 0);
}

std::span<const std::int16_t> frame_assembler::commit(std::size_t bytes) {
  assert(held_ + bytes <= staging_.size());
  const std::size_t total = held_ + bytes;
  const std::size_t frames = total / frame_bytes_;
  const std::size_t whole = frames * frame_bytes_;
  const auto out = std::span(converted_).first(frames * 2);
  decode_frames(format_, std::span(staging_).first(whole), out, dither_);
  held_ = total - whole;
  std::memmove(staging_.data(), staging_.data() + whole, held_);
  return out;
}

}  // namespace mixmatrix::mixer
