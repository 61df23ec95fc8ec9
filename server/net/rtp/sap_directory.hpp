#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "protocol/sap.hpp"
#include "protocol/sdp.hpp"
#include "server/asio.hpp"
#include "server/control/channel_directory.hpp"
#include "server/net/rtp/rtp_receivers.hpp"
#include "server/net/rtp/rtp_senders.hpp"

namespace mixmatrix::server {

/// What SAP (RFC 2974) is asked to do: announce on `address` with `ttl`, and listen on `groups`.
struct sap_options {
  bool enabled = false;
  std::string address = "239.255.255.255";
  std::uint32_t ttl = 1;
  /// Where real gear announces: AES67, Dante and Ravenna; RFC 2974's global scope (VLC, ffmpeg);
  /// PipeWire's default.
  std::vector<std::string> groups{"239.255.255.255", "224.2.127.254", "224.0.0.56"};
};

/// SAP: announces every RTP stream the server sends (at once, every 30 s, and a deletion when it
/// goes or the server stops), hears what others announce on the usual groups (`sources`), and
/// keeps the inputs subscribed to a session by name pointed at its current address. The groups
/// are joined again every 5 s, so a link that goes and comes back is heard again. Without --sap it
/// does nothing and hears nothing. Network thread only.
class sap_directory : public session_directory {
 public:
  /// SAP on `io` for the streams of `senders`, feeding subscribed inputs through `receivers`.
  sap_directory(asio::io_context& io, const sap_options& options, const rtp_senders& senders,
                rtp_receivers& receivers);

  /// Opens the sockets and starts announcing and listening (nothing without --sap). A group that
  /// cannot be joined is logged; the others are heard.
  void start();
  /// Announces the deletion of every stream announced, and stops.
  void stop();

  std::vector<std::string> source_lines() const override;
  protocol::result<std::string> subscribe(std::shared_ptr<mixer::input_channel> input,
                                          const std::string& session) override;

 private:
  using clock = std::chrono::steady_clock;
  struct announced {
    protocol::sdp_stream stream;
    std::string text;
    clock::time_point sent;
  };
  struct heard {
    protocol::sdp_stream stream;
    std::string from;
    std::uint16_t hash = 0;
    clock::time_point last;
    clock::duration interval{};
  };

  void join_groups(bool first);
  void tick();
  void announce_changes(clock::time_point now);
  void send(const announced& a, bool deletion);
  void receive();
  void take(std::span<const std::byte> packet);
  void forget(std::map<std::string, heard>::iterator it);
  void expire(clock::time_point now);

  asio::io_context& io_;
  sap_options options_;
  const rtp_senders& senders_;
  rtp_receivers& receivers_;
  std::optional<udp::socket> out_;
  std::optional<udp::socket> in_;
  asio::steady_timer timer_;
  std::string origin_;                       // our address, in the SAP header
  clock::time_point last_join_{};
  std::map<std::uint64_t, announced> ours_;  // by SDP session id
  std::map<std::string, heard> heard_;       // by the session's o= (origin address and id)
  std::array<std::byte, 4096> buffer_{};
  udp::endpoint sender_;
  bool stopped_ = false;
};

}  // namespace mixmatrix::server
