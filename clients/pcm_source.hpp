#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace mixmatrix::clients {

/// Where mixsend's audio comes from: interleaved stereo int16 frames at rate().
class pcm_source {
 public:
  virtual ~pcm_source() = default;
  /// Fills up to `frames` frames; returns how many (0 at the end).
  virtual std::size_t read(std::int16_t* out, std::size_t frames) = 0;
  /// Goes back to the start; false if the source cannot (stdin).
  virtual bool rewind() = 0;
  /// Frames a second.
  virtual std::uint32_t rate() const = 0;
  /// Total frames, when known.
  virtual std::optional<std::uint64_t> length() const = 0;
};

/// A sound file libsndfile reads (any of its formats); mono is sent on both channels. Throws
/// std::runtime_error when it cannot be read or has more than two channels.
std::unique_ptr<pcm_source> open_sound_file(const std::string& path);
/// A sine of `hz` at `dbfs` peak, endless.
std::unique_ptr<pcm_source> make_tone(double hz, double dbfs, std::uint32_t rate);
/// Raw s16le stereo PCM from standard input.
std::unique_ptr<pcm_source> open_stdin(std::uint32_t rate);

}  // namespace mixmatrix::clients
