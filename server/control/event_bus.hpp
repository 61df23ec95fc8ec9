#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "server/control/reports.hpp"

namespace mixmatrix::server {

/// Something that receives events: a front end's connection that said `watch`.
class event_sink {
 public:
  virtual ~event_sink() = default;
  /// Network thread: one event, without the `* ` and the line end.
  virtual void on_event(const std::string& text) = 0;
  /// Network thread: every channel's meters, ten times a second, if it asked for them.
  virtual void on_meters(std::span<const channel_meters> readings) = 0;
};

/// Fans events out to every watching connection: scene changes by any client, inputs going
/// live or idle, listeners coming and going, and meters. Network thread only.
class event_bus {
 public:
  /// Adds a watcher, or changes whether it wants meters (held weakly: a closed connection simply
  /// stops receiving).
  void watch(const std::weak_ptr<event_sink>& sink, bool meters);
  /// Removes a watcher.
  void unwatch(const event_sink* sink);
  /// Sends an event to every watcher.
  void publish(const std::string& text);
  /// Sends meter readings to the watchers that want them.
  void publish_meters(std::span<const channel_meters> readings);
  /// True when some watcher wants meters (so they are worth reading).
  bool meters_wanted();

 private:
  struct watcher {
    std::weak_ptr<event_sink> sink;
    bool meters;
  };
  std::vector<watcher> watchers_;
};

}  // namespace mixmatrix::server
