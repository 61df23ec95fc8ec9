#include "server/event_bus.hpp"

#include <algorithm>

namespace mixmatrix::server {

void event_bus::watch(const std::shared_ptr<event_sink>& sink) {
  unwatch(sink.get());
  sinks_.push_back(sink);
}

void event_bus::unwatch(const event_sink* sink) {
  std::erase_if(sinks_, [&](const auto& weak) {
    const auto s = weak.lock();
    return !s || s.get() == sink;
  });
}

void event_bus::publish(const std::string& text) {
  // By index on a copy: a sink's delivery may close its connection, which unwatches.
  const auto sinks = sinks_;
  for (const auto& weak : sinks) {
    if (auto s = weak.lock()) s->on_event(text);
  }
}

void event_bus::publish_meters(const std::vector<std::string>& lines) {
  const auto sinks = sinks_;
  for (const auto& weak : sinks) {
    auto s = weak.lock();
    if (!s || !s->wants_meters()) continue;
    for (const auto& line : lines) s->on_event("meter " + line);
  }
}

bool event_bus::meters_wanted() {
  return std::any_of(sinks_.begin(), sinks_.end(), [](const auto& weak) {
    const auto s = weak.lock();
    return s && s->wants_meters();
  });
}

}  // namespace mixmatrix::server
