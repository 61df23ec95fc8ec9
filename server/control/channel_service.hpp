#pragma once

#include <string>

#include "mixer/channel.hpp"

namespace mixmatrix::server {

/// Told when a channel leaves the scene, so that whatever serves it (ports, sessions) lets go.
/// Network thread only.
class channel_observer {
 public:
  virtual ~channel_observer() = default;
  /// `ch` is no longer in the scene (the engine has a plan without it).
  virtual void on_channel_removed(const mixer::channel& ch) = 0;
};

/// A transport that serves channels (their raw ports, their RTP streams): the command core asks
/// each one what `list`, `show` and a saved scene say of a channel, and tells each when a channel
/// leaves the scene, so a transport speaks for itself and is registered once. Network thread only.
class channel_service : public channel_observer {
 public:
  /// Words on channel `name`'s line, each with its space before it (` port=7721`); `detailed` for
  /// `show`, else for `list`; empty when it does not serve the channel.
  virtual std::string line_words(const std::string& name, bool detailed) const = 0;
  /// The words after `input add NAME` or `mix add NAME` that set it up again in a scene file
  /// (` port 7721`), each with its space before it; empty when it does not serve the channel.
  virtual std::string scene_words(const std::string& name) const = 0;
};

}  // namespace mixmatrix::server
