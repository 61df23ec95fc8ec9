#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "mixer/input_channel.hpp"
#include "protocol/failure.hpp"
#include "server/asio.hpp"
#include "server/device_output.hpp"
#include "server/device_thread.hpp"
#include "server/file_player.hpp"
#include "server/recorder.hpp"

namespace mixmatrix::server {

/// The server's own audio: recordings to sound files, playback on its sound devices, and the
/// file players of file inputs. Network thread only. Sound-device calls, which can block for a
/// long time, run on a device thread when asked to be `async`; then the answer comes later, as a
/// handler on the network thread.
class local_audio {
 public:
  /// Data lines, or the failure.
  using reply = protocol::result<std::string>;
  /// Receives a reply on the network thread.
  using reply_handler = std::function<void(reply)>;

  /// Files and devices run at `rate`; completions are posted to `io`.
  local_audio(asio::io_context& io, std::uint32_t rate);
  /// Stops every recording (finalising its file), playback and file player.
  void stop_all();

  /// Starts recording `ch` to `path` (format from the extension).
  reply record(std::shared_ptr<mixer::channel> ch, const std::string& path);
  /// Starts playing `ch` on `device` (empty: the default).
  void play(std::shared_ptr<mixer::channel> ch, const std::string& device, bool async, const reply_handler& done);
  /// Lists the output devices, one `INDEX NAME (API)` line each.
  void devices(bool async, const reply_handler& done);
  /// Stops the recording and the playback of channel `name`; a line for each that was stopped.
  void stop(const std::string& name, bool async, const reply_handler& done);
  /// Starts feeding the file input `input` from `path`.
  reply play_file(std::shared_ptr<mixer::input_channel> input, const std::string& path, bool loop);
  /// The file player of input `name`, if it has one.
  const file_player* file_of(const std::string& name) const;
  /// Lines for `show NAME`: what is recording or playing it.
  std::string describe(const std::string& name) const;
  /// The channel `name` is gone: stops whatever records, plays or feeds it (playback in the
  /// background).
  void forget(const std::string& name);

 private:
  // Runs `job` here (blocking) or on the device thread, then `finish` with its result here.
  template <class Job, class Finish>
  void on_device(bool async, Job job, Finish finish) {
    if (async) {
      devices_.run(std::move(job), std::move(finish));
    } else {
      finish(job());
    }
  }

  // Closes `output` on the device thread (closing a stream waits for the card), answering nobody.
  void close_later(std::shared_ptr<device_output> output);

  std::uint32_t rate_;
  std::map<std::string, std::unique_ptr<recorder>> recorders_;
  // A null output is being opened on the device thread.
  std::map<std::string, std::shared_ptr<device_output>> outputs_;
  std::map<std::string, std::unique_ptr<file_player>> files_;
  device_thread devices_;  // destroyed first: it finishes its queued jobs while the maps exist
};

}  // namespace mixmatrix::server
