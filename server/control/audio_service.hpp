#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mixer/channel.hpp"
#include "mixer/input_channel.hpp"
#include "protocol/failure.hpp"

namespace mixmatrix::server {

/// A channel being recorded to a file.
struct recording_status {
  std::string path;
  std::uint64_t frames = 0;
  std::uint64_t overruns = 0;
  bool failed = false;  ///< the disk refused a write (full): recording stopped there
};
/// A channel being played on a sound device.
struct playback_status {
  std::string device;
  std::uint64_t frames = 0;
  std::uint64_t skips = 0;
  std::uint64_t repeats = 0;
  double drift_ppm = 0.0;  ///< the card's clock against the engine's, as followed
};
/// The sound file that feeds a file input.
struct file_status {
  std::string path;
  bool loop = false;
  bool ended = false;  ///< played once and read to its end
};
/// What `stop` ended: the final counts of a recording and of a playback.
struct stopped_audio {
  std::optional<recording_status> recording;
  std::optional<playback_status> playback;
};

/// The server's own audio as the command core uses it: recordings, sound-device playback and the
/// file players of file inputs. Every call is made on the network thread, and every completion
/// comes back on it, at once or later (files and devices are opened on worker threads).
class audio_service {
 public:
  /// Receives nullopt on success, else the failure.
  using done_handler = std::function<void(std::optional<protocol::failure>)>;

  virtual ~audio_service() = default;
  /// Starts recording `ch` to `path` (format from the extension).
  virtual void record(std::shared_ptr<mixer::channel> ch, const std::string& path, done_handler done) = 0;
  /// Starts playing `ch` on `device` (empty: the default).
  virtual void play(std::shared_ptr<mixer::channel> ch, const std::string& device, done_handler done) = 0;
  /// The output devices, one `INDEX NAME (API)` line each.
  virtual void devices(std::function<void(std::vector<std::string>)> done) = 0;
  /// Stops the recording and the playback of channel `name`; 404 when it has neither.
  virtual void stop(const std::string& name, std::function<void(protocol::result<stopped_audio>)> done) = 0;
  /// Opens `path` and starts feeding the file input `input` from it.
  virtual void play_file(std::shared_ptr<mixer::input_channel> input, const std::string& path, bool loop,
                         done_handler done) = 0;
  /// The channel `name` is gone: stops whatever records, plays or feeds it.
  virtual void forget(const std::string& name) = 0;

  /// The recording of channel `name`, if there is one.
  virtual std::optional<recording_status> recording(const std::string& name) const = 0;
  /// The playback of channel `name`, if there is one (and its device is open).
  virtual std::optional<playback_status> playback(const std::string& name) const = 0;
  /// The file of file input `name`, if it has one.
  virtual std::optional<file_status> file(const std::string& name) const = 0;
};

}  // namespace mixmatrix::server
