#pragma once

#include <map>
#include <memory>
#include <string>

#include "server/asio.hpp"
#include "server/control/channel_directory.hpp"
#include "server/net/rtp/rtp_sender.hpp"

namespace mixmatrix::server {

/// Every mix's RTP stream, started when the command core asks and stopped when the mix leaves
/// the scene. Network thread only.
class rtp_senders : public channel_rtp {
 public:
  /// Senders on `io`, at the engine's `rate`, their AES67 descriptions naming `reference_clock`.
  rtp_senders(asio::io_context& io, std::uint32_t rate, std::string reference_clock);
  ~rtp_senders() override;

  std::optional<protocol::failure> send(std::shared_ptr<mixer::channel> ch,
                                        const protocol::rtp_target& target) override;
  std::optional<protocol::sdp_stream> sdp_of(const std::string& name) const override;
  /// ` rtp=ADDR:PORT`, and in `show` how and how much it sends.
  std::string line_words(const std::string& name, bool detailed) const override;
  std::string scene_words(const std::string& name) const override;
  void on_channel_removed(const mixer::channel& ch) override;
  /// The SDP of every stream sent, by mix name.
  std::map<std::string, protocol::sdp_stream> descriptions() const;
  /// Stops every sender.
  void stop_all();

 private:
  asio::io_context& io_;
  std::uint32_t rate_;
  std::string reference_clock_;  // what the system clock follows (a=ts-refclk)
  std::map<std::string, std::shared_ptr<rtp_sender>> senders_;
};

}  // namespace mixmatrix::server
