#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mixer/channel.hpp"
#include "mixer/input_channel.hpp"
#include "protocol/failure.hpp"
#include "protocol/rtp.hpp"
#include "protocol/sdp.hpp"
#include "protocol/stream_format.hpp"
#include "server/control/channel_service.hpp"

namespace mixmatrix::server {

/// What a transport sees of the scene: the channels its connections feed or listen to.
/// Network thread only.
class channel_directory {
 public:
  virtual ~channel_directory() = default;
  /// For a sender (SEND): the network input `name`, created with the default latency when absent.
  virtual protocol::result<std::shared_ptr<mixer::input_channel>> input_for_sender(const std::string& name) = 0;
  /// For a listener (LISTEN): the channel `name`.
  virtual protocol::result<std::shared_ptr<mixer::channel>> channel_for_listener(const std::string& name) = 0;
};

/// A raw port as `port PORT [format FORMAT RATE CHANNELS]` asks for it: without a format, its
/// connections carry the server's own (s16le stereo at the engine rate).
struct port_spec {
  std::uint16_t port = 0;
  std::optional<protocol::stream_format> format;
  bool operator==(const port_spec&) const = default;
};

/// A channel's own raw TCP port, which belongs to the network layer: the command core asks for one
/// when a channel is added with `port`. Closed when the channel is removed.
class channel_ports : public channel_service {
 public:
  /// Listens on `spec.port` for `ch` (an input takes one sender, a mix serves every connection),
  /// in `spec.format`; a 400 failure for a format the server cannot serve, a 409 when the port
  /// cannot be had.
  virtual std::optional<protocol::failure> open(std::shared_ptr<mixer::channel> ch, const port_spec& spec) = 0;
  /// The port of channel `name` as it was asked for, if it has one.
  virtual std::optional<port_spec> port_of(const std::string& name) const = 0;
};

/// A mix's RTP stream, which belongs to the network layer: the command core asks for one when a
/// mix is added with `rtp`. Stopped when the mix is removed.
class channel_rtp : public channel_service {
 public:
  /// Starts sending `ch` as `target` says; a 400 failure for packets too big for the network, a
  /// 409 when no socket can be had for the address.
  virtual std::optional<protocol::failure> send(std::shared_ptr<mixer::channel> ch,
                                                const protocol::rtp_target& target) = 0;
  /// The SDP description of channel `name`'s RTP stream, if it has one.
  virtual std::optional<protocol::sdp_stream> sdp_of(const std::string& name) const = 0;
};

/// Where an RTP input's stream was named, as `save` writes it after the input's name: `rtp
/// ADDR:PORT ...` (no keyword), `sdp PATH` or `sap SESSION`.
struct rtp_origin {
  std::string keyword;  ///< "", "sdp" or "sap"
  std::string value;    ///< the path or the session's name
};

/// An input's RTP reception, which belongs to the network layer: the command core asks for it when
/// an input is added with `rtp` or `sdp`. Stopped when the input is removed.
class channel_rtp_inputs : public channel_service {
 public:
  /// Receives RTP for `input` as `source` says, named by `origin`; a 409 failure when the address
  /// cannot be had.
  virtual std::optional<protocol::failure> receive(std::shared_ptr<mixer::input_channel> input,
                                                   const protocol::rtp_source& source,
                                                   const rtp_origin& origin) = 0;
};

/// The sessions announced on the network (SAP), which belongs to the network layer.
class session_directory {
 public:
  virtual ~session_directory() = default;
  /// `sap "NAME" ADDR:PORT FORMAT RATE CHANNELS from=HOST age_s=N`, a line per session heard.
  virtual std::vector<std::string> source_lines() const = 0;
  /// Feeds `input` from the session named `session` whenever it is announced (now, if it is), and
  /// follows its announcements; what it does (`receiving ...`, `waiting for ...`), or a 409
  /// failure when SAP is off or the session's address cannot be had.
  virtual protocol::result<std::string> subscribe(std::shared_ptr<mixer::input_channel> input,
                                                  const std::string& session) = 0;
};

}  // namespace mixmatrix::server
