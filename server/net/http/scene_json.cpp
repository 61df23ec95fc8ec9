#include "server/net/http/scene_json.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include "server/net/telnet_text.hpp"

namespace mixmatrix::server {
namespace {
using json = nlohmann::json;

// dB as JSON: a number, or the string "-inf" (JSON has no infinity).
json db(double value) {
  if (std::isinf(value)) return "-inf";
  return std::round(value * 100.0) / 100.0;
}

json port(const channel_report& r) { return r.port ? json(r.port->port) : json(nullptr); }

json input_json(const channel_report& r) {
  const auto& in = *r.input;
  const auto& c = in.counters();
  std::string kind = "network";
  std::string state = in.has_sender() ? "live" : "idle";
  if (in.source() == mixer::input_kind::tone) {
    kind = state = "tone";
  } else if (r.file) {
    kind = "file";
    state = r.file->ended && !in.playing() ? "ended" : "file";
  }
  return {{"name", in.name()},       {"kind", kind},
          {"state", state},          {"port", port(r)},
          {"listeners", c.listeners.load()}, {"buffered_ms", in.buffered_ms()},
          {"target_ms", in.target_ms()},     {"underruns", c.underruns.load()}};
}

json mix_json(const channel_report& r) {
  json routes = json::array();
  for (const auto& x : r.mix->routes) {
    routes.push_back({{"source", x.source->name()}, {"gain_db", db(x.gain_db)}, {"muted", x.muted}});
  }
  return {{"name", r.channel->name()}, {"on", r.mix->on},
          {"gain_db", db(r.mix->master_db)}, {"port", port(r)},
          {"listeners", r.channel->counters().listeners.load()}, {"routes", routes}};
}
}  // namespace

std::string scene_json(std::span<const channel_report> channels, const mixer::engine_config& config) {
  json inputs = json::array();
  json mixes = json::array();
  for (const auto& r : channels) {
    if (r.mix) {
      mixes.push_back(mix_json(r));
    } else {
      inputs.push_back(input_json(r));
    }
  }
  return json{{"version", MIXMATRIX_VERSION}, {"rate", config.rate}, {"inputs", inputs}, {"mixes", mixes}}.dump();
}

std::string result_json(long long id, const command_result& r) {
  std::string status = telnet_text(command_result{r.error, r.status, {}, {}, false, {}});
  status.pop_back();  // its LF
  return json{{"id", id}, {"ok", r.ok()}, {"status", status}, {"data", r.data}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

std::string event_json(const std::string& text) {
  return json{{"event", text}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string meters_json(std::span<const channel_meters> readings) {
  json all = json::object();
  for (const auto& m : readings) {
    all[m.name] = {{"peak", {db(m.peak_db[0]), db(m.peak_db[1])}}, {"rms", {db(m.rms_db[0]), db(m.rms_db[1])}}};
  }
  return json{{"meters", all}}.dump();
}

}  // namespace mixmatrix::server
