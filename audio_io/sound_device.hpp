#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace mixmatrix::audio_io {

/// One line per PortAudio output device: `INDEX NAME (API)`; one line saying why when PortAudio
/// cannot start. Like output_stream, silences ALSA's and JACK's own messages for the process.
std::vector<std::string> output_devices();

/// A PortAudio output stream of interleaved stereo int16 at `rate` on one device, pulling its
/// audio from a callback on PortAudio's audio thread (which must not lock, allocate, log or do I/O).
/// The first one made silences ALSA's and JACK's own messages on stderr for the whole process.
class output_stream {
 public:
  /// Fills `out` (whole frames) with the next audio; `user` is the pointer given at construction.
  using fill_function = void (*)(std::span<std::byte> out, void* user);
  /// What the audio thread calls.
  struct callback {
    fill_function fill;
    void* user;
  };

  /// Opens `device` (empty: the default; a number: that index; else the first output device whose
  /// name contains it); throws std::runtime_error naming the device when it cannot.
  output_stream(const std::string& device, std::uint32_t rate, fill_function fill, void* user);
  output_stream(const output_stream&) = delete;
  output_stream& operator=(const output_stream&) = delete;
  /// Stops and closes the stream.
  ~output_stream();

  /// Starts calling `fill`; throws std::runtime_error when the device refuses.
  void start();
  /// The device's name, as PortAudio gives it.
  const std::string& device_name() const { return device_name_; }

 private:
  void* stream_ = nullptr;  // PaStream
  std::string device_name_;
  callback callback_;
  bool started_ = false;
};

}  // namespace mixmatrix::audio_io
