#pragma once

#include <span>
#include <string>

#include "mixer/engine_config.hpp"
#include "server/control/command_result.hpp"
#include "server/control/reports.hpp"

namespace mixmatrix::server {

/// The scene as `GET /api/scene` serves it: inputs (kind, state, port, counters) and mixes (on,
/// master gain, port, routes with gains and mutes), JSON.
std::string scene_json(std::span<const channel_report> channels, const mixer::engine_config& config);
/// A command's result as the WebSocket answers it: `{"id":N,"ok":..,"status":"OK ..","data":[..]}`.
std::string result_json(long long id, const command_result& r);
/// An event line as the WebSocket sends it: `{"event":"TEXT"}`.
std::string event_json(const std::string& text);
/// Meter readings as the WebSocket sends them: `{"meters":{"NAME":{"peak":[L,R],"rms":[L,R]}}}`.
std::string meters_json(std::span<const channel_meters> readings);

}  // namespace mixmatrix::server
