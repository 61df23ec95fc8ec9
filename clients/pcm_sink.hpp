#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace mixmatrix::clients {

/// Where mixplay's audio goes: interleaved stereo int16 frames.
class pcm_sink {
 public:
  virtual ~pcm_sink() = default;
  /// Takes `frames` frames; may block (a sound card plays at its own pace).
  virtual void write(const std::int16_t* frames, std::size_t count) = 0;
  /// Plays or writes out what is buffered and closes; a one-line summary for stderr (may be empty).
  virtual std::string finish() = 0;
};

/// Raw s16le to standard output.
std::unique_ptr<pcm_sink> open_stdout_sink();
/// A sound file, its format from the extension (wav, flac, ogg, aiff, au, caf); throws
/// std::runtime_error when it cannot be created.
std::unique_ptr<pcm_sink> open_file_sink(const std::string& path, std::uint32_t rate);
/// The sound device (`device`: empty for the default, a number, or part of a name) through
/// PortAudio, fed from a ring the audio callback reads without locks; throws std::runtime_error.
std::unique_ptr<pcm_sink> open_device_sink(const std::string& device, std::uint32_t rate);
/// One line per PortAudio output device: `INDEX NAME (API)`.
std::string list_devices();

}  // namespace mixmatrix::clients
