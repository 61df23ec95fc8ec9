#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mixer/block_cursor.hpp"
#include "mixer/channel.hpp"
#include "protocol/rtp.hpp"
#include "protocol/sdp.hpp"
#include "server/asio.hpp"

namespace mixmatrix::server {

/// Sends one channel as RTP (L16 or L24, stereo, at the engine's rate) to one unicast or
/// multicast address. The channel's blocks are cut into packets of ptime that leave evenly
/// spaced on absolute deadlines of the steady clock (the engine's own), not in bursts per
/// block: a block's worth is kept as a cushion against the engine's jitter. A random SSRC,
/// initial sequence number and timestamp (on the local clock's count of frames for AES67, as
/// its SDP says), the marker bit on the first packet. Network thread only.
class rtp_sender : public std::enable_shared_from_this<rtp_sender> {
 public:
  /// Sends `ch` at `rate` frames a second as `target` says, its description naming
  /// `reference_clock` (a=ts-refclk); throws boost::system::system_error when the socket cannot be made.
  rtp_sender(asio::io_context& io, std::shared_ptr<mixer::channel> ch, const protocol::rtp_target& target,
             std::uint32_t rate, std::string reference_clock);

  /// Starts sending.
  void start();
  /// Stops sending; idempotent.
  void stop();
  /// Where and how it sends, as asked.
  const protocol::rtp_target& target() const { return target_; }
  /// Its stream as an SDP description says it.
  protocol::sdp_stream description() const;
  /// Packets sent.
  std::uint64_t packets() const { return packets_; }
  /// Packets the network refused (no route, nobody listening on a unicast port).
  std::uint64_t send_errors() const { return send_errors_; }

 private:
  void take_blocks();
  void send_due(std::chrono::steady_clock::time_point now);
  void send_packet();
  void arm(std::chrono::steady_clock::time_point when);

  asio::steady_timer timer_;
  udp::socket socket_;
  std::shared_ptr<mixer::channel> channel_;
  mixer::block_cursor cursor_;
  protocol::rtp_target target_;
  std::uint32_t rate_;
  std::string reference_clock_;  // what the system clock follows (a=ts-refclk)
  std::size_t packet_frames_;
  std::chrono::duration<double> interval_;  // of one packet's frames
  std::vector<std::int16_t> block_;
  std::vector<std::int16_t> pending_;  // frames taken from the channel, not sent yet
  std::size_t pending_at_ = 0;         // samples of pending_ already sent
  std::vector<std::byte> packet_;
  protocol::rtp_header header_;
  std::uint64_t session_id_;
  std::chrono::steady_clock::time_point start_;
  std::uint64_t due_ = 0;  // packets due since start_
  std::uint64_t packets_ = 0;
  std::uint64_t send_errors_ = 0;
  bool started_ = false;  // the cushion was reached and the schedule runs
  bool stopped_ = false;
};

}  // namespace mixmatrix::server
