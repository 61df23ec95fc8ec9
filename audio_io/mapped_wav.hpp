#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace mixmatrix::audio_io {

/// A 16-bit PCM WAV file mapped into memory read-only: its samples are used where they lie, with
/// no read() copies (mixrender's fast path).
class mapped_wav {
 public:
  /// Maps `path` if it is a little-endian 16-bit PCM RIFF/WAVE file of one or two channels;
  /// nullopt for anything else (read it with sound_file_reader instead).
  static std::optional<mapped_wav> open(const std::string& path);
  mapped_wav(mapped_wav&& other) noexcept;
  mapped_wav& operator=(mapped_wav&& other) noexcept;
  mapped_wav(const mapped_wav&) = delete;
  ~mapped_wav();

  /// The interleaved samples of the data chunk.
  std::span<const std::int16_t> samples() const { return samples_; }
  /// Channels (1 or 2).
  int channels() const { return channels_; }
  /// Frames a second.
  std::uint32_t rate() const { return rate_; }
  /// Frames in the file.
  std::uint64_t frames() const { return samples_.size() / static_cast<std::size_t>(channels_); }

 private:
  mapped_wav() = default;

  void* map_ = nullptr;
  std::size_t map_bytes_ = 0;
  std::span<const std::int16_t> samples_;
  int channels_ = 0;
  std::uint32_t rate_ = 0;
};

}  // namespace mixmatrix::audio_io
