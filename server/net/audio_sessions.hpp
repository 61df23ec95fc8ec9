#pragma once

#include <memory>
#include <optional>
#include <string>

#include "mixer/channel.hpp"
#include "mixer/input_channel.hpp"
#include "protocol/failure.hpp"
#include "protocol/stream_format.hpp"
#include "server/asio.hpp"
#include "server/control/channel_directory.hpp"
#include "server/net/block_pump.hpp"
#include "server/control/event_bus.hpp"
#include "server/server_options.hpp"

namespace mixmatrix::server {

/// Starts listener and sender sessions on connections that the stream port or a raw port
/// accepted, enforcing the per-channel limits, and registers them with the pump; ends a channel's
/// sessions when it leaves the scene.
class audio_sessions : public channel_observer {
 public:
  /// Sessions are driven by `pump` and limited by `options`.
  audio_sessions(block_pump& pump, event_bus& events, const server_options& options)
      : pump_(pump), events_(events), options_(options) {}

  /// The server's own wire format: s16le stereo at the engine rate, which needs no conversion.
  protocol::stream_format own_format() const { return protocol::backplane_format(options_.engine.rate); }
  /// Why `ch` cannot take one more listener (503), or nullopt.
  std::optional<protocol::failure> check_listener(const mixer::channel& ch) const;
  /// Why `input` cannot take a sender (409 busy), or nullopt.
  std::optional<protocol::failure> check_sender(const mixer::input_channel& input) const;
  /// Starts streaming `ch` to `socket` in `format` after `preamble`; check_listener()
  /// first.
  void listen(tcp::socket socket, std::shared_ptr<mixer::channel> ch, const protocol::stream_format& format,
              std::string preamble);
  /// Starts feeding `input` from `socket` in `format` after `preamble`, with `leftover` PCM;
  /// check_sender() first.
  void feed(tcp::socket socket, std::shared_ptr<mixer::input_channel> input, const protocol::stream_format& format,
            std::string preamble, std::string leftover);
  void on_channel_removed(const mixer::channel& ch) override { pump_.disconnect(&ch); }

 private:
  block_pump& pump_;
  event_bus& events_;
  const server_options& options_;
};

}  // namespace mixmatrix::server
