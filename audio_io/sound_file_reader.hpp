#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

struct sf_private_tag;  // libsndfile's SNDFILE

namespace mixmatrix::audio_io {

/// Reads any sound file libsndfile knows as interleaved stereo int16 frames; a mono file is
/// read onto both channels.
class sound_file_reader {
 public:
  /// Opens `path`; throws std::runtime_error when it cannot be read or has more than two channels.
  explicit sound_file_reader(const std::string& path);
  sound_file_reader(const sound_file_reader&) = delete;
  sound_file_reader& operator=(const sound_file_reader&) = delete;
  ~sound_file_reader();

  /// Fills up to `frames` frames (2 * frames samples); returns how many (0 at the end).
  std::size_t read(std::int16_t* out, std::size_t frames);
  /// Goes back to the first frame; false if the file cannot seek.
  bool rewind();
  /// Frames a second.
  std::uint32_t rate() const { return rate_; }
  /// Channels in the file (1 or 2).
  int channels() const { return channels_; }
  /// Frames in the file.
  std::uint64_t frames() const { return frames_; }

 private:
  sf_private_tag* file_ = nullptr;
  std::uint32_t rate_ = 0;
  int channels_ = 0;
  std::uint64_t frames_ = 0;
  std::vector<std::int16_t> mono_;
};

/// Throws std::runtime_error naming `path` unless `file` runs at `lowest` to `highest` Hz.
void require_rate_within(const sound_file_reader& file, const std::string& path, std::uint32_t lowest,
                         std::uint32_t highest);

}  // namespace mixmatrix::audio_io
