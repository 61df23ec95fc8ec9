#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "mixer/input_channel.hpp"
#include "mixer/pcm_format.hpp"
#include "mixer/rate_converter.hpp"
#include "protocol/rtp.hpp"
#include "server/asio.hpp"
#include "server/control/event_bus.hpp"
#include "server/net/rtp/datagram_batch.hpp"
#include "server/net/rtp/rtp_reorder.hpp"

namespace mixmatrix::server {

/// Receives one RTP stream on a UDP port (joining the group when its address is multicast) into a
/// network input: datagrams read in batches (recvmmsg), checked (a datagram that is not RTP, not of
/// the stream's payload type or not whole frames is counted bad and dropped), put back in timestamp
/// order with lost packets as silence (rtp_reorder, over half the input's latency), converted from
/// big-endian L16/L24 to s16 stereo, resampled to the engine's rate if the stream's is another, and
/// written into the input's jitter buffer, whose level handling and drift loop follow the sender's
/// clock. The input is live while packets come, idle after half a second without; a new SSRC is a
/// new sender. A multicast group not heard is joined again every 5 s (a link that went and came
/// back has lost the membership). Network thread only.
class rtp_receiver : public std::enable_shared_from_this<rtp_receiver> {
 public:
  /// Binds `source` for `input` at `engine_rate`, reading through `batch`; throws
  /// boost::system::system_error when the address cannot be had.
  rtp_receiver(asio::io_context& io, std::shared_ptr<mixer::input_channel> input,
               const protocol::rtp_source& source, std::uint32_t engine_rate, datagram_batch& batch,
               event_bus& events);

  /// Starts receiving.
  void start();
  /// Stops receiving; idempotent.
  void stop();
  /// What `list` (` rtp=ADDR:PORT`) and `show` (with the format, ssrc= packets= lost= late=
  /// reordered= duplicates= bad=) say of it.
  std::string words(bool detailed) const;
  /// The source as it was asked for (port 0: any free one).
  const protocol::rtp_source& source() const { return source_; }
  /// The UDP port bound (the one asked for, or the one given for port 0).
  std::uint16_t port() const { return socket_.local_endpoint().port(); }

 private:
  void wait();
  void read_all();
  void take(std::span<const std::byte> datagram, std::size_t index);
  void store(std::span<const std::int16_t> frames);
  void note_due(std::uint32_t timestamp, std::uint32_t rate);
  void write(std::span<const std::int16_t> frames);
  void arm();
  void rejoin(std::chrono::steady_clock::time_point now);
  void go_live(const std::string& from);
  void go_idle();

  udp::socket socket_;
  asio::steady_timer timer_;
  std::shared_ptr<mixer::input_channel> input_;
  protocol::rtp_source source_;
  std::uint32_t engine_rate_;
  datagram_batch& batch_;
  event_bus& events_;
  rtp_reorder reorder_;
  std::optional<protocol::rtp_payload_format> format_;  // the stream's, from its first packet
  std::optional<mixer::rate_converter> converter_;      // for every rate but the engine's
  mixer::dither_state dither_;
  std::vector<std::int16_t> frames_;    // a packet's, converted to s16 stereo
  std::vector<std::int16_t> released_;  // what the reorder stage lets go
  std::string sender_;
  std::uint64_t bad_ = 0;
  std::uint64_t busy_ = 0;  // packets dropped while another sender held the input
  std::chrono::steady_clock::time_point last_packet_{};
  std::chrono::steady_clock::time_point last_join_ = std::chrono::steady_clock::now();
  bool live_ = false;
  bool stopped_ = false;
};

}  // namespace mixmatrix::server
