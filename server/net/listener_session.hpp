#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mixer/block_cursor.hpp"
#include "mixer/channel.hpp"
#include "mixer/pcm_format.hpp"
#include "mixer/rate_converter.hpp"
#include "server/asio.hpp"
#include "server/control/event_bus.hpp"
#include "server/net/pumped_session.hpp"

namespace mixmatrix::server {

/// Streams one channel's blocks to one TCP connection, continuously, silence included, in the
/// listener's wire format (s16 stereo at the engine's rate as published, or converted block by
/// block, and resampled to another rate). At most one
/// write is in flight; a listener that falls behind the channel's history skips ahead (its
/// lost blocks are counted as drops) and one whose write has not completed for `stall_timeout`
/// is disconnected. Neither ever makes the engine or another listener wait.
class listener_session : public pumped_session, public std::enable_shared_from_this<listener_session> {
 public:
  /// Takes the socket; `preamble` (e.g. a handshake reply) is sent before the audio, in `wire` at
  /// `wire_rate` frames a second from an engine running at `engine_rate`.
  listener_session(tcp::socket socket, std::shared_ptr<mixer::channel> ch, mixer::pcm_format wire,
                   std::uint32_t wire_rate, std::uint32_t engine_rate, std::string preamble,
                   std::chrono::milliseconds stall_timeout, event_bus& events);
  ~listener_session() override;

  /// Starts at the channel's newest block.
  void start();
  void pump() override;
  void stop() override;
  bool stopped() const override { return stopped_; }
  const mixer::channel* channel() const override { return channel_.get(); }

 private:
  void do_write();
  void do_watch_close();

  tcp::socket socket_;
  std::shared_ptr<mixer::channel> channel_;
  event_bus& events_;
  std::string peer_;
  mixer::pcm_format wire_;
  std::string buffer_;
  std::vector<std::int16_t> block_;  // a published block on its way to another wire format
  std::optional<mixer::rate_converter> converter_;  // for every rate but the engine's
  std::chrono::milliseconds stall_timeout_;
  std::chrono::steady_clock::time_point write_started_;
  mixer::block_cursor cursor_;
  char discard_[256];
  bool writing_ = false;
  bool stopped_ = false;
};

}  // namespace mixmatrix::server
