#pragma once

#include <memory>
#include <string>
#include <vector>

namespace mixmatrix::server {

/// Something that receives `* ` event lines: a control connection that said `watch`.
class event_sink {
 public:
  virtual ~event_sink() = default;
  /// Network thread: one event, without the `* ` and the line end.
  virtual void on_event(const std::string& text) = 0;
  /// True when the sink also wants meter lines ten times a second.
  virtual bool wants_meters() const = 0;
};

/// Fans events out to every watching control connection: scene changes by any client, inputs
/// going live or idle, listeners coming and going, and meters. Network thread only.
class event_bus {
 public:
  /// Adds a watcher (held weakly: a closed connection simply stops receiving).
  void watch(const std::shared_ptr<event_sink>& sink);
  /// Removes a watcher.
  void unwatch(const event_sink* sink);
  /// Sends an event to every watcher.
  void publish(const std::string& text);
  /// Sends meter lines to the watchers that want them.
  void publish_meters(const std::vector<std::string>& lines);
  /// True when some watcher wants meters (so they are worth computing).
  bool meters_wanted();

 private:
  std::vector<std::weak_ptr<event_sink>> sinks_;
};

}  // namespace mixmatrix::server
