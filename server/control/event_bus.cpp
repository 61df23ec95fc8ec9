#include "server/control/event_bus.hpp"

#include <algorithm>

namespace mixmatrix::server {

void event_bus::watch(const std::weak_ptr<event_sink>& sink, bool meters) {
  unwatch(sink.lock().get());
  watchers_.push_back({sink, meters});
}

void event_bus::unwatch(const event_sink* sink) {
  std::erase_if(watchers_, [&](const watcher& w) {
    const auto s = w.sink.lock();
    return !s || s.get() == sink;
  });
}

void event_bus::publish(const std::string& text) {
  // On a copy: a sink's delivery may close its connection, which unwatches.
  const auto watchers = watchers_;
  for (const auto& w : watchers) {
    if (auto s = w.sink.lock()) s->on_event(text);
  }
}

void event_bus::publish_meters(std::span<const channel_meters> readings) {
  const auto watchers = watchers_;
  for (const auto& w : watchers) {
    auto s = w.sink.lock();
    if (s && w.meters) s->on_meters(readings);
  }
}

bool event_bus::meters_wanted() {
  return std::any_of(watchers_.begin(), watchers_.end(), [](const watcher& w) { return w.meters && !w.sink.expired(); });
}

}  // namespace mixmatrix::server
