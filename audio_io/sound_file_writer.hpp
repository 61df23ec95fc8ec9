#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

struct sf_private_tag;  // libsndfile's SNDFILE

namespace mixmatrix::audio_io {

/// Writes interleaved stereo int16 frames to a new sound file, its format from the extension
/// (see sound_file_format); closed, complete and valid, by close() or the destructor.
class sound_file_writer {
 public:
  /// Creates `path` for stereo at `rate`; throws std::runtime_error naming it when it cannot.
  sound_file_writer(const std::string& path, std::uint32_t rate);
  sound_file_writer(const sound_file_writer&) = delete;
  sound_file_writer& operator=(const sound_file_writer&) = delete;
  ~sound_file_writer();

  /// Appends `frames` frames; false when the file refused them (error() says why).
  bool write(const std::int16_t* samples, std::size_t frames);
  /// Why the last write failed.
  std::string error() const;
  /// Rewrites the header for what is written so far (the data size), so that a crash from here
  /// on leaves a file that players read up to this point. Blocks for the disk.
  void update_header();
  /// Finalises the file (idempotent).
  void close();
  /// The file's path.
  const std::string& path() const { return path_; }
  /// Frames written so far.
  std::uint64_t frames() const { return frames_; }

 private:
  std::string path_;
  sf_private_tag* file_ = nullptr;
  std::uint64_t frames_ = 0;
};

}  // namespace mixmatrix::audio_io
