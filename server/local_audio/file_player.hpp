#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "audio_io/sound_file_reader.hpp"
#include "mixer/input_channel.hpp"
#include "mixer/rate_converter.hpp"

namespace mixmatrix::server {

/// Feeds a file input: reads a sound file with libsndfile on its own (non-real-time) thread into
/// the input's ring (resampled to the engine's rate if it has another), keeping it topped up as the
/// engine drains it. At the end of the file it starts
/// again (`loop`) or lets the input play out its buffer and go idle.
class file_player {
 public:
  /// Opens `path` for `input` (a file input) and starts feeding it at `rate` frames a second;
  /// throws std::runtime_error when the file cannot be read.
  file_player(std::shared_ptr<mixer::input_channel> input, const std::string& path, bool loop, std::uint32_t rate);
  file_player(const file_player&) = delete;
  file_player& operator=(const file_player&) = delete;
  /// Stops feeding.
  ~file_player();

  /// The file played.
  const std::string& path() const { return path_; }
  /// Whether it starts again at the end.
  bool loops() const { return loop_; }
  /// Any thread: whether the file (played once) has been read to its end.
  bool ended() const { return ended_.load(std::memory_order_acquire); }

 private:
  void run(const std::stop_token& stop);

  std::shared_ptr<mixer::input_channel> input_;
  std::string path_;
  bool loop_;
  audio_io::sound_file_reader file_;
  std::optional<mixer::rate_converter> converter_;  // for a file at another rate than the engine's
  std::atomic<bool> ended_{false};
  std::jthread thread_;
};

}  // namespace mixmatrix::server
