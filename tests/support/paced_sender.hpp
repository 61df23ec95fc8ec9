#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>

namespace mixmatrix::test {

/// Sends s16le stereo PCM to a port at real time, in chunks of `chunk_frames` (10 ms by default)
/// on absolute deadlines (the project's own stand-in for `ffmpeg -re` where ffmpeg is missing),
/// optionally after a handshake line, and optionally on a clock `ppm` off ours
/// (44100 * (1 + ppm / 1e6) frames a second), as a sound card with its own crystal sends. Its
/// thread runs real time (SCHED_FIFO) where allowed, else at nice -10 where that is.
class paced_sender {
 public:
  /// Connects to `port`, sends `handshake` (if any) and then `pcm`, looping it seamlessly while running.
  paced_sender(std::uint16_t port, std::string pcm, std::string handshake = {}, double ppm = 0.0,
               std::size_t chunk_frames = 441);
  ~paced_sender();

 private:
  void run(std::uint16_t port, const std::string& pcm, const std::string& handshake, double ppm,
           std::size_t chunk_frames);

  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace mixmatrix::test
