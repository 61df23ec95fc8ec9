#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "server/asio.hpp"
#include "server/control/audio_service.hpp"
#include "server/local_audio/device_output.hpp"
#include "server/local_audio/file_player.hpp"
#include "server/local_audio/recorder.hpp"
#include "server/worker.hpp"

namespace mixmatrix::server {

/// The server's own audio: recordings to sound files, playback on its sound devices, and the
/// file players of file inputs. Opening and closing files runs on the worker pool, every PortAudio
/// call on one device strand (they may block for long: probing ALSA, draining a card); answers
/// come back as handlers on the network thread. Network thread only.
class local_audio : public audio_service {
 public:
  /// Files and devices run at `rate`; jobs go to `pool` and `devices`, answers to `io`.
  local_audio(asio::io_context& io, worker_pool& pool, worker_strand devices, std::uint32_t rate);
  /// Stops every recording (finalising its file), playback and file player, here and now.
  void stop_all();

  void record(std::shared_ptr<mixer::channel> ch, const std::string& path, done_handler done) override;
  void play(std::shared_ptr<mixer::channel> ch, const std::string& device, done_handler done) override;
  void devices(std::function<void(std::vector<std::string>)> done) override;
  void stop(const std::string& name, std::function<void(protocol::result<stopped_audio>)> done) override;
  void play_file(std::shared_ptr<mixer::input_channel> input, const std::string& path, bool loop,
                 done_handler done) override;
  void forget(const std::string& name) override;
  std::optional<recording_status> recording(const std::string& name) const override;
  std::optional<playback_status> playback(const std::string& name) const override;
  std::optional<file_status> file(const std::string& name) const override;

 private:
  // Opens a T with `open` on `where` into a placeholder in `slots` (a failure to open answers
  // `refusal`); when the placeholder is gone by then (the channel was removed), it is closed again.
  template <class T, class Executor, class Open>
  void open_into(std::map<std::string, std::shared_ptr<T>>& slots, const std::string& name, const Executor& where,
                 Open open, protocol::code refusal, done_handler done);
  // Lets go of `thing` on `where` (closing a stream waits for the card, finalising a file for the disk).
  template <class Executor, class T>
  void close_later(const Executor& where, T thing);

  asio::io_context& io_;
  worker_pool& pool_;
  worker_strand devices_;
  std::uint32_t rate_;
  // A null entry is being opened on a worker.
  std::map<std::string, std::shared_ptr<recorder>> recorders_;
  std::map<std::string, std::shared_ptr<device_output>> outputs_;
  std::map<std::string, std::shared_ptr<file_player>> files_;
};

}  // namespace mixmatrix::server
