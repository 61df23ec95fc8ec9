#include "mixer/matrix.hpp"

#include <algorithm>
#include <utility>

#include "mixer/gain.hpp"

namespace mixmatrix::mixer {
namespace {
matrix_error not_found(const std::string& what, const std::string& name) {
  return {matrix_error::kind::not_found, "no such " + what + " " + name};
}
}  // namespace

crosspoint* mix_state::find(const std::string& source) {
  return const_cast<crosspoint*>(std::as_const(*this).find(source));
}

const crosspoint* mix_state::find(const std::string& source) const {
  auto it = std::find_if(routes.begin(), routes.end(), [&](const crosspoint& x) { return x.source->name() == source; });
  return it == routes.end() ? nullptr : &*it;
}

matrix::matrix(engine_config config) : config_(config) {}

matrix_status matrix::check_new_name(const std::string& name) const {
  if (channels_.contains(name)) return matrix_error{matrix_error::kind::conflict, "name " + name + " exists"};
  if (channels_.size() >= config_.max_channels) {
    return matrix_error{matrix_error::kind::limit, "channel limit reached (" + std::to_string(config_.max_channels) + ")"};
  }
  return std::nullopt;
}

matrix_status matrix::add_input(std::shared_ptr<input_channel> input) {
  if (auto e = check_new_name(input->name())) return e;
  const std::string name = input->name();
  channels_.emplace(name, entry{std::move(input), std::nullopt});
  return std::nullopt;
}

matrix_status matrix::add_mix(const std::string& name) {
  if (auto e = check_new_name(name)) return e;
  auto bus = std::make_shared<channel>(name, channel_kind::mix, config_);
  channels_.emplace(name, entry{bus, mix_state{bus, true, 0.0, {}}});
  return std::nullopt;
}

matrix_status matrix::remove(const std::string& name, channel_kind kind) {
  auto it = channels_.find(name);
  const char* what = kind == channel_kind::input ? "input" : "mix";
  if (it == channels_.end() || it->second.ch->kind() != kind) return not_found(what, name);
  for (auto& [other, e] : channels_) {
    if (e.mix) std::erase_if(e.mix->routes, [&](const crosspoint& x) { return x.source->name() == name; });
  }
  const channel* gone = it->second.ch.get();
  std::erase_if(fading_, [&](const fading_route& f) { return f.mix == gone || f.source.get() == gone; });
  channels_.erase(it);
  return std::nullopt;
}

std::pair<mix_state*, matrix_status> matrix::lookup_mix(const std::string& name) {
  auto it = channels_.find(name);
  if (it == channels_.end() || !it->second.mix) return {nullptr, not_found("mix", name)};
  return {&*it->second.mix, std::nullopt};
}

std::pair<crosspoint*, matrix_status> matrix::lookup_crosspoint(const std::string& mix, const std::string& source) {
  auto [m, error] = lookup_mix(mix);
  if (error) return {nullptr, error};
  crosspoint* x = m->find(source);
  if (!x) return {nullptr, matrix_error{matrix_error::kind::not_found, "no route " + source + " in mix " + mix}};
  return {x, std::nullopt};
}

matrix_status matrix::set_on(const std::string& mix, bool on) {
  auto [m, error] = lookup_mix(mix);
  if (error) return error;
  m->on = on;
  return std::nullopt;
}

bool matrix::uses(const mix_state& mix, const channel* target) const {
  for (const crosspoint& x : mix.routes) {
    if (x.source.get() == target) return true;
    if (x.source->kind() == channel_kind::mix && uses(*channels_.at(x.source->name()).mix, target)) return true;
  }
  return false;
}

matrix_status matrix::route(const std::string& mix, const std::string& source, double gain_db) {
  auto [m, error] = lookup_mix(mix);
  if (error) return error;
  auto it = channels_.find(source);
  if (it == channels_.end()) return not_found("channel", source);
  if (crosspoint* x = m->find(source)) {
    x->gain_db = gain_db;
    x->muted = false;
    return std::nullopt;
  }
  if (it->second.mix && (source == mix || uses(*it->second.mix, m->bus.get()))) {
    return matrix_error{matrix_error::kind::conflict, "route " + source + " into " + mix + " would make a cycle"};
  }
  crosspoint x{it->second.ch, gain_db, false};
  // Routed again while still fading out: carry on from the gain it has now.
  const channel* bus = m->bus.get();  // clang 14 cannot capture a structured binding
  auto fading = std::find_if(fading_.begin(), fading_.end(),
                             [&](const fading_route& f) { return f.mix == bus && f.source == x.source; });
  if (fading != fading_.end()) {
    x.gain = fading->gain;
    fading_.erase(fading);
  }
  m->routes.push_back(std::move(x));
  return std::nullopt;
}

matrix_status matrix::unroute(const std::string& mix, const std::string& source) {
  auto [x, error] = lookup_crosspoint(mix, source);
  if (error) return error;
  mix_state& m = *channels_.at(mix).mix;
  fading_.push_back(fading_route{m.bus.get(), x->source, x->gain});
  m.routes.erase(m.routes.begin() + (x - m.routes.data()));
  return std::nullopt;
}

matrix_status matrix::set_gain(const std::string& mix, const std::string& source, double gain_db) {
  auto [x, error] = lookup_crosspoint(mix, source);
  if (error) return error;
  x->gain_db = gain_db;
  return std::nullopt;
}

matrix_status matrix::set_master(const std::string& mix, double gain_db) {
  auto [m, error] = lookup_mix(mix);
  if (error) return error;
  m->master_db = gain_db;
  return std::nullopt;
}

matrix_status matrix::set_muted(const std::string& mix, const std::string& source, bool muted) {
  auto [x, error] = lookup_crosspoint(mix, source);
  if (error) return error;
  x->muted = muted;
  return std::nullopt;
}

std::shared_ptr<channel> matrix::find(const std::string& name) const {
  auto it = channels_.find(name);
  return it == channels_.end() ? nullptr : it->second.ch;
}

std::shared_ptr<input_channel> matrix::find_input(const std::string& name) const {
  auto ch = find(name);
  if (!ch || ch->kind() != channel_kind::input) return nullptr;
  return std::static_pointer_cast<input_channel>(ch);
}

const mix_state* matrix::find_mix(const std::string& name) const {
  auto it = channels_.find(name);
  return it == channels_.end() || !it->second.mix ? nullptr : &*it->second.mix;
}

std::vector<std::string> matrix::names() const {
  std::vector<std::string> names;
  names.reserve(channels_.size());
  for (const auto& [name, e] : channels_) names.push_back(name);
  return names;
}

void matrix::order_mixes(const std::string& name, std::map<std::string, bool>& visited,
                         std::vector<const mix_state*>& order) const {
  if (visited[name]) return;
  visited[name] = true;
  const mix_state& m = *channels_.at(name).mix;
  for (const crosspoint& x : m.routes) {
    if (x.source->kind() == channel_kind::mix) order_mixes(x.source->name(), visited, order);
  }
  order.push_back(&m);
}

std::shared_ptr<const mix_plan> matrix::compile() {
  auto plan = std::make_shared<mix_plan>();
  std::map<std::string, bool> visited;
  std::vector<const mix_state*> order;
  for (const auto& [name, e] : channels_) {
    plan->channels.push_back(e.ch);
    if (e.mix) {
      order_mixes(name, visited, order);
    } else {
      plan->inputs.push_back(static_cast<input_channel*>(e.ch.get()));
    }
  }
  // A fade whose gain reached 0 by the engine's last block is over.
  std::erase_if(fading_, [](const fading_route& f) { return f.gain->current() == 0.0f; });
  for (const mix_state* m : order) {
    mix_step step{m->bus.get(), m->master.get(), m->on ? db_to_gain(m->master_db) : 0.0f,
                  static_cast<std::uint32_t>(plan->routes.size()), 0};
    plan->ramps.push_back(m->master);
    for (const crosspoint& x : m->routes) {
      plan->routes.push_back(route_step{x.source.get(), x.gain.get(), x.muted ? 0.0f : db_to_gain(x.gain_db)});
      plan->ramps.push_back(x.gain);
    }
    for (const fading_route& f : fading_) {
      if (f.mix != m->bus.get()) continue;
      plan->routes.push_back(route_step{f.source.get(), f.gain.get(), 0.0f});
      plan->ramps.push_back(f.gain);
    }
    step.route_count = static_cast<std::uint32_t>(plan->routes.size()) - step.first_route;
    plan->mixes.push_back(step);
  }
  return plan;
}

}  // namespace mixmatrix::mixer
