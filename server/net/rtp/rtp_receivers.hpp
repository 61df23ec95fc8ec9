#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "server/asio.hpp"
#include "server/control/channel_directory.hpp"
#include "server/control/event_bus.hpp"
#include "server/net/rtp/datagram_batch.hpp"
#include "server/net/rtp/rtp_receiver.hpp"

namespace mixmatrix::server {

/// Every input's RTP reception, started when the command core asks and stopped when the input
/// leaves the scene; the receivers share one batch of datagram buffers. An input fed by a SAP
/// session may wait without a receiver until the session is heard, and is pointed at each new
/// address its announcements give. Network thread only.
class rtp_receivers : public channel_rtp_inputs {
 public:
  /// Receivers on `io`, for an engine at `rate`, announcing inputs going live and idle on `events`.
  rtp_receivers(asio::io_context& io, std::uint32_t rate, event_bus& events);
  ~rtp_receivers() override;

  std::optional<protocol::failure> receive(std::shared_ptr<mixer::input_channel> input,
                                           const protocol::rtp_source& source,
                                           const rtp_origin& origin) override;
  /// Keeps `input`, named by `origin`, without receiving until follow() gives it a source.
  void hold(std::shared_ptr<mixer::input_channel> input, const rtp_origin& origin);
  /// Points every input fed by SAP session `session` at `source` (none: the session is gone, they
  /// stop receiving); an address that cannot be had is logged, and the input waits.
  void follow(const std::string& session, const std::optional<protocol::rtp_source>& source);
  /// ` rtp=ADDR:PORT` (or ` rtp=none` while waiting) and the origin (` sdp=PATH`, ` sap=SESSION`);
  /// in `show`, how the stream arrives.
  std::string line_words(const std::string& name, bool detailed) const override;
  std::string scene_words(const std::string& name) const override;
  void on_channel_removed(const mixer::channel& ch) override;
  /// Stops every receiver.
  void stop_all();

 private:
  struct entry {
    std::shared_ptr<mixer::input_channel> input;
    rtp_origin origin;
    std::shared_ptr<rtp_receiver> receiver;  // none while a SAP session is not heard
  };

  std::shared_ptr<rtp_receiver> open(std::shared_ptr<mixer::input_channel> input,
                                     const protocol::rtp_source& source);

  asio::io_context& io_;
  std::uint32_t rate_;
  event_bus& events_;
  datagram_batch batch_;
  std::map<std::string, entry> inputs_;
};

}  // namespace mixmatrix::server
