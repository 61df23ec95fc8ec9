// matrix::compile: the routing model turned into the engine's plan (its own file: the model's
// changes are in matrix.cpp).
#include <algorithm>
#include <cmath>

#include "mixer/gain.hpp"
#include "mixer/matrix.hpp"

namespace mixmatrix::mixer {
namespace {

// Which ducks lower a crosspoint from `source` (route_step::envelope), given the keys of its mix's
// ducks in plan order: all of them but the one it keys, if any.
std::uint32_t envelope_of(const channel* source, const std::vector<const channel*>& keys) {
  if (keys.empty()) return 0;
  const auto key = std::find(keys.begin(), keys.end(), source);
  if (key == keys.end()) return 1;
  if (keys.size() == 1) return 0;
  return 2 + static_cast<std::uint32_t>(key - keys.begin());
}

duck_settings settings_of(const duck_params& p, const engine_config& config) {
  const auto frames = [&](std::uint32_t ms) {
    return static_cast<float>(std::max<std::size_t>(config.frames_for_ms(ms), 1));
  };
  const auto depth = static_cast<float>(p.depth_db);
  // A key counts as present for 10 ms after a loud block: a low voice's zero crossings do not
  // release the duck between its peaks.
  const auto hold = static_cast<std::uint32_t>(std::max<std::size_t>(config.frames_for_ms(10), 1));
  return {db_to_gain(p.threshold_dbfs), depth, -depth / frames(p.attack_ms), -depth / frames(p.release_ms),
          hold};
}

}  // namespace

void matrix::order_mixes(const std::string& name, std::map<std::string, bool>& visited,
                         std::vector<const mix_state*>& order) const {
  if (visited[name]) return;
  visited[name] = true;
  const mix_state& m = *channels_.at(name).mix;
  // A mix-minus is computed in its mix's step: whoever uses it comes after that mix.
  if (m.minus) return order_mixes(m.minus->mix->name(), visited, order);
  for (const crosspoint& x : m.routes) {
    if (x.source->kind() == channel_kind::mix) order_mixes(x.source->name(), visited, order);
  }
  for (const duck& d : m.ducks) {
    if (d.source->kind() == channel_kind::mix) order_mixes(d.source->name(), visited, order);
  }
  order.push_back(&m);
}

void matrix::compile_mix(const mix_state& m, const std::vector<const mix_state*>& minuses,
                         mix_plan& plan) const {
  mix_step step{m.bus.get(), m.master.get(), m.on ? db_to_gain(m.master_db) : 0.0f, 0, 0};
  plan.ramps.push_back(m.master);
  std::vector<const channel*> keys;
  step.first_duck = static_cast<std::uint32_t>(plan.ducks.size());
  for (const duck& d : m.ducks) {
    plan.ducks.push_back({d.source.get(), d.envelope.get(), settings_of(d.params, config_)});
    plan.envelopes.push_back(d.envelope);
    keys.push_back(d.source.get());
  }
  for (const releasing_duck& r : releasing_) {
    if (r.mix != m.bus.get()) continue;
    plan.ducks.push_back({nullptr, r.d.envelope.get(), settings_of(r.d.params, config_)});
    plan.envelopes.push_back(r.d.envelope);
    keys.push_back(r.d.source.get());
  }
  step.duck_count = static_cast<std::uint32_t>(plan.ducks.size()) - step.first_duck;

  std::vector<route_step> routes;
  for (const crosspoint& x : m.routes) {
    const float gain = x.muted ? 0.0f : db_to_gain(x.gain_db);
    routes.push_back({x.source.get(),
                      x.gain.get(),
                      {gain * pan_gain(x.pan, 0), gain * pan_gain(x.pan, 1)},
                      envelope_of(x.source.get(), keys)});
    plan.crosspoints.push_back(x.gain);
  }
  for (const fading_route& f : fading_) {
    if (f.mix != m.bus.get()) continue;
    routes.push_back({f.source.get(), f.gain.get(), {0.0f, 0.0f}, envelope_of(f.source.get(), keys)});
    plan.crosspoints.push_back(f.gain);
  }
  // The engine sums each envelope's crosspoints together, then applies the envelope once.
  std::stable_sort(routes.begin(), routes.end(),
                   [](const route_step& a, const route_step& b) { return a.envelope < b.envelope; });
  step.first_route = static_cast<std::uint32_t>(plan.routes.size());
  step.route_count = static_cast<std::uint32_t>(routes.size());
  plan.routes.insert(plan.routes.end(), routes.begin(), routes.end());

  step.first_minus = static_cast<std::uint32_t>(plan.minuses.size());
  for (const mix_state* minus : minuses) {
    std::uint32_t route = no_route;
    for (std::uint32_t r = step.first_route; r < step.first_route + step.route_count; ++r) {
      if (plan.routes[r].source == minus->minus->source.get()) route = r;
    }
    plan.minuses.push_back(
        {minus->bus.get(), minus->master.get(), minus->on ? db_to_gain(minus->master_db) : 0.0f, route});
    plan.ramps.push_back(minus->master);
  }
  step.minus_count = static_cast<std::uint32_t>(plan.minuses.size()) - step.first_minus;
  plan.mixes.push_back(step);
}

std::shared_ptr<const mix_plan> matrix::compile() {
  auto plan = std::make_shared<mix_plan>();
  std::map<std::string, bool> visited;
  std::vector<const mix_state*> order;
  std::map<const channel*, std::vector<const mix_state*>> minuses_of;
  for (const auto& [name, e] : channels_) {
    plan->channels.push_back(e.ch);
    if (e.mix) {
      order_mixes(name, visited, order);
      if (e.mix->minus) minuses_of[e.mix->minus->mix.get()].push_back(&*e.mix);
    } else {
      plan->inputs.push_back(static_cast<input_channel*>(e.ch.get()));
    }
  }
  // A fade whose gains reached 0 by the engine's last block is over; so is a release back to unity.
  std::erase_if(fading_, [](const fading_route& f) { return f.gain->silent(); });
  std::erase_if(releasing_, [](const releasing_duck& r) { return r.d.envelope->current() == 1.0f; });
  for (const mix_state* m : order) compile_mix(*m, minuses_of[m->bus.get()], *plan);
  return plan;
}

}  // namespace mixmatrix::mixer
