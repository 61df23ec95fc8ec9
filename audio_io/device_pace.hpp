#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace mixmatrix::audio_io {

/// Tells, from an output device's callbacks, when the device keeps real time. At its start a device
/// asks for frames as fast as its own buffer takes them (a pipe, a sound server, a card PortAudio
/// did not prime); audio given then is played later at the card's pace, so a player feeding it from
/// a jitter buffer drains that buffer at once and leaves a gap. Its caller gives silence until
/// settled(), as PortAudio primes a card's buffer. Used on the audio thread: no lock, no allocation.
class device_pace {
 public:
  using clock = std::chrono::steady_clock;

  /// For a device playing `rate` frames a second.
  explicit device_pace(std::uint32_t rate) : rate_(rate) {}

  /// Counts a callback asking for `frames` at `now`; true from the first callback on which the
  /// device has asked at real-time pace for 100 ms, and from then on (also once 1 s has passed since
  /// its first callback: a device that never keeps time is not waited for).
  bool settled(std::size_t frames, clock::time_point now);

 private:
  std::int64_t rate_;
  bool started_ = false;
  bool settled_ = false;
  clock::time_point first_;   // the first callback
  clock::time_point since_;   // the start of the current stretch at real-time pace
  std::int64_t asked_ = 0;    // frames asked for after since_
  std::int64_t largest_ = 0;  // the largest callback so far
};

}  // namespace mixmatrix::audio_io
