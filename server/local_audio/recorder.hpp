#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "audio_io/sound_file_writer.hpp"
#include "mixer/block_cursor.hpp"
#include "mixer/channel.hpp"

namespace mixmatrix::server {

/// Records one channel to a sound file on its own disk thread: it reads the channel's published
/// blocks as a listener does (the engine never waits for the disk) and writes them with libsndfile.
/// Blocks the disk thread fell too far behind for are lost and counted as overruns. The header is
/// brought up to date every second, so a crash leaves a file readable up to its last second; when
/// the disk refuses a write (full), recording stops there with a log line and the file stays valid.
class recorder {
 public:
  /// Creates `path` (format from its extension: any libsndfile knows, 16-bit PCM where the format
  /// allows, Vorbis for ogg) and starts recording; throws std::runtime_error when it cannot.
  recorder(std::shared_ptr<mixer::channel> ch, const std::string& path, std::uint32_t rate);
  recorder(const recorder&) = delete;
  recorder& operator=(const recorder&) = delete;
  /// Stops and finalises the file: it is complete and valid afterwards.
  ~recorder() { finish(); }
  /// Stops recording, writes what the engine published up to now and finalises the file
  /// (idempotent); frames() is then final. Blocks for the disk.
  void finish();

  /// The file being written.
  const std::string& path() const { return file_.path(); }
  /// Frames written so far.
  std::uint64_t frames() const { return frames_.load(std::memory_order_relaxed); }
  /// Blocks lost because the disk thread fell behind.
  std::uint64_t overruns() const { return overruns_.load(std::memory_order_relaxed); }
  /// Any thread: true once a write failed and recording stopped.
  bool failed() const { return failed_.load(std::memory_order_acquire); }

 private:
  void run(const std::stop_token& stop);
  void write_new_blocks();

  std::shared_ptr<mixer::channel> channel_;
  audio_io::sound_file_writer file_;
  mixer::block_cursor cursor_;
  std::vector<std::int16_t> block_;
  std::atomic<std::uint64_t> frames_{0};
  std::atomic<std::uint64_t> overruns_{0};
  std::atomic<bool> failed_{false};
  std::jthread thread_;
};

}  // namespace mixmatrix::server
