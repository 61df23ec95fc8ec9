#pragma once

#include <memory>
#include <optional>
#include <string>

#include "mixer/frame_assembler.hpp"
#include "mixer/input_channel.hpp"
#include "mixer/pcm_format.hpp"
#include "mixer/rate_converter.hpp"
#include "server/asio.hpp"
#include "server/control/event_bus.hpp"
#include "server/net/pumped_session.hpp"

namespace mixmatrix::server {

/// Reads raw PCM from one TCP connection into a network input's jitter buffer: s16 stereo at the
/// engine's rate straight into the ring; any other wire format into a staging buffer, whose whole
/// frames are converted (a sample cut by TCP waits for its other bytes), and any other rate
/// resampled to the engine's, into the ring. When the ring is full it stops
/// reading (TCP then slows the sender: nothing is lost and nothing grows) and the pump resumes it
/// once a block's worth of room is free.
class sender_session : public pumped_session, public std::enable_shared_from_this<sender_session> {
 public:
  /// Takes the socket; the sender sends `wire` at `wire_rate` frames a second to an engine running at
  /// `engine_rate`; `preamble` is written first (a handshake reply), `leftover` holds PCM bytes that
  /// arrived with the handshake.
  sender_session(tcp::socket socket, std::shared_ptr<mixer::input_channel> input, mixer::pcm_format wire,
                 std::uint32_t wire_rate, std::uint32_t engine_rate, std::string preamble, std::string leftover,
                 event_bus& events);
  ~sender_session() override;

  /// Claims the input and starts reading.
  void start();
  void pump() override;
  void stop() override;
  bool stopped() const override { return stopped_; }
  const mixer::channel* channel() const override { return input_.get(); }

 private:
  void do_read();
  void take(std::size_t bytes);
  void store(std::span<const std::int16_t> frames);
  void store_converted(std::span<const std::int16_t> frames);
  std::size_t wire_room_frames() const;

  tcp::socket socket_;
  std::shared_ptr<mixer::input_channel> input_;
  std::optional<mixer::frame_assembler> assembler_;  // for every wire format but the ring's
  std::optional<mixer::rate_converter> converter_;   // for every rate but the engine's
  event_bus& events_;
  std::string peer_;
  std::string preamble_;
  std::string leftover_;
  bool paused_ = false;
  bool stopped_ = false;
};

}  // namespace mixmatrix::server
