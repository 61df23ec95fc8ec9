#pragma once

#include <map>
#include <memory>
#include <string>

#include "server/asio.hpp"
#include "server/control/channel_directory.hpp"
#include "server/control/event_bus.hpp"
#include "server/net/rtp/datagram_batch.hpp"
#include "server/net/rtp/rtp_receiver.hpp"

namespace mixmatrix::server {

/// Every input's RTP reception, started when the command core asks and stopped when the input
/// leaves the scene; the receivers share one batch of datagram buffers. Network thread only.
class rtp_receivers : public channel_rtp_inputs {
 public:
  /// Receivers on `io`, for an engine at `rate`, announcing inputs going live and idle on `events`.
  rtp_receivers(asio::io_context& io, std::uint32_t rate, event_bus& events);
  ~rtp_receivers() override;

  std::optional<protocol::failure> receive(std::shared_ptr<mixer::input_channel> input,
                                           const protocol::rtp_source& source,
                                           const std::string& sdp_path) override;
  std::string line_words(const std::string& name, bool detailed) const override;
  std::string scene_words(const std::string& name) const override;
  void on_channel_removed(const mixer::channel& ch) override;
  /// Stops every receiver.
  void stop_all();

 private:
  asio::io_context& io_;
  std::uint32_t rate_;
  event_bus& events_;
  datagram_batch batch_;
  std::map<std::string, std::shared_ptr<rtp_receiver>> receivers_;
};

}  // namespace mixmatrix::server
