#pragma once

#include <map>
#include <memory>
#include <string>

#include "server/asio.hpp"
#include "server/control/channel_directory.hpp"
#include "server/net/audio_sessions.hpp"
#include "server/net/raw_port.hpp"

namespace mixmatrix::server {

/// Every channel's own raw TCP port, bound on the stream address when the command core asks and
/// closed when the channel leaves the scene. Network thread only.
class raw_ports : public channel_ports {
 public:
  /// Ports bind to `address` and hand their connections to `sessions`.
  raw_ports(asio::io_context& io, asio::ip::address address, audio_sessions& sessions);

  std::optional<protocol::failure> open(std::shared_ptr<mixer::channel> ch, const port_spec& spec) override;
  std::optional<port_spec> port_of(const std::string& name) const override;
  std::string line_words(const std::string& name, bool detailed) const override;
  std::string scene_words(const std::string& name) const override;
  void on_channel_removed(const mixer::channel& ch) override;
  /// Closes every port.
  void close_all() { ports_.clear(); }

 private:
  asio::io_context& io_;
  asio::ip::address address_;
  audio_sessions& sessions_;
  std::map<std::string, std::pair<port_spec, std::unique_ptr<raw_port>>> ports_;
};

}  // namespace mixmatrix::server
