#include "mixer/matrix.hpp"

#include <algorithm>
#include <utility>

namespace mixmatrix::mixer {
namespace {
matrix_error not_found(const std::string& what, const std::string& name) {
  return {matrix_error::kind::not_found, "no such " + what + " " + name};
}

matrix_error conflict(std::string text) {
  return {matrix_error::kind::conflict, std::move(text)};
}
}  // namespace

crosspoint* mix_state::find(const std::string& source) {
  return const_cast<crosspoint*>(std::as_const(*this).find(source));
}

const crosspoint* mix_state::find(const std::string& source) const {
  auto it = std::find_if(routes.begin(), routes.end(),
                         [&](const crosspoint& x) { return x.source->name() == source; });
  return it == routes.end() ? nullptr : &*it;
}

const duck* mix_state::find_duck(const std::string& source) const {
  auto it =
      std::find_if(ducks.begin(), ducks.end(), [&](const duck& d) { return d.source->name() == source; });
  return it == ducks.end() ? nullptr : &*it;
}

matrix::matrix(engine_config config) : config_(config) {}

matrix_status matrix::check_new_name(const std::string& name) const {
  if (channels_.contains(name)) return conflict("name " + name + " exists");
  if (channels_.size() >= config_.max_channels) {
    return matrix_error{matrix_error::kind::limit,
                        "channel limit reached (" + std::to_string(config_.max_channels) + ")"};
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
  channels_.emplace(name, entry{bus, mix_state{.bus = bus}});
  return std::nullopt;
}

matrix_status matrix::add_minus(const std::string& name, const std::string& mix, const std::string& source) {
  if (auto e = check_new_name(name)) return e;
  auto [m, error] = lookup_mix(mix);
  if (error) return error;
  if (m->minus) return conflict(mix + " is a mix-minus: a mix-minus is taken from an ordinary mix");
  auto it = channels_.find(source);
  if (it == channels_.end()) return not_found("channel", source);
  if (source == mix) return conflict("a mix-minus of " + mix + " cannot take out " + mix + " itself");
  auto bus = std::make_shared<channel>(name, channel_kind::mix, config_);
  channels_.emplace(name, entry{bus, mix_state{.bus = bus, .minus = minus_source{m->bus, it->second.ch}}});
  return std::nullopt;
}

std::vector<std::string> matrix::removed_with(const std::string& name) const {
  std::vector<std::string> gone{name};
  // A mix-minus goes with its mix and its source, and may itself be another's source.
  for (std::size_t i = 0; i < gone.size(); ++i) {
    for (const auto& [other, e] : channels_) {
      if (!e.mix || !e.mix->minus || std::find(gone.begin(), gone.end(), other) != gone.end()) continue;
      if (e.mix->minus->mix->name() == gone[i] || e.mix->minus->source->name() == gone[i])
        gone.push_back(other);
    }
  }
  return gone;
}

void matrix::erase(const std::string& name) {
  auto it = channels_.find(name);
  const channel* ch = it->second.ch.get();
  for (auto& [other, e] : channels_) {
    if (!e.mix) continue;
    std::erase_if(e.mix->routes, [&](const crosspoint& x) { return x.source.get() == ch; });
    // A duck keyed on a channel that goes releases, as an unducked one does.
    for (auto& d : e.mix->ducks) {
      if (d.source.get() == ch) releasing_.push_back({e.mix->bus.get(), d});
    }
    std::erase_if(e.mix->ducks, [&](const duck& d) { return d.source.get() == ch; });
  }
  std::erase_if(fading_, [&](const fading_route& f) { return f.mix == ch || f.source.get() == ch; });
  std::erase_if(releasing_, [&](const releasing_duck& r) { return r.mix == ch; });
  channels_.erase(it);
}

matrix_status matrix::remove(const std::string& name, channel_kind kind) {
  auto it = channels_.find(name);
  const char* what = kind == channel_kind::input ? "input" : "mix";
  if (it == channels_.end() || it->second.ch->kind() != kind) return not_found(what, name);
  for (const std::string& gone : removed_with(name)) erase(gone);
  return std::nullopt;
}

std::pair<mix_state*, matrix_status> matrix::lookup_mix(const std::string& name) {
  auto it = channels_.find(name);
  if (it == channels_.end() || !it->second.mix) return {nullptr, not_found("mix", name)};
  return {&*it->second.mix, std::nullopt};
}

std::pair<mix_state*, matrix_status> matrix::lookup_mix_with_crosspoints(const std::string& name) {
  auto [m, error] = lookup_mix(name);
  if (!error && m->minus)
    return {nullptr, conflict(name + " is a mix-minus: it has no crosspoints of its own")};
  return {m, error};
}

std::pair<crosspoint*, matrix_status> matrix::lookup_crosspoint(const std::string& mix,
                                                                const std::string& source) {
  auto [m, error] = lookup_mix(mix);
  if (error) return {nullptr, error};
  crosspoint* x = m->find(source);
  if (!x)
    return {nullptr, matrix_error{matrix_error::kind::not_found, "no route " + source + " in mix " + mix}};
  return {x, std::nullopt};
}

matrix_status matrix::set_on(const std::string& mix, bool on) {
  auto [m, error] = lookup_mix(mix);
  if (error) return error;
  m->on = on;
  return std::nullopt;
}

bool matrix::depends_on(const channel& ch, const channel* target) const {
  if (&ch == target) return true;
  return ch.kind() == channel_kind::mix && uses(*channels_.at(ch.name()).mix, target);
}

bool matrix::uses(const mix_state& mix, const channel* target) const {
  // A mix-minus is computed from its mix's sum, so it uses everything its mix uses.
  if (mix.minus) return depends_on(*mix.minus->mix, target);
  for (const crosspoint& x : mix.routes) {
    if (depends_on(*x.source, target)) return true;
  }
  for (const duck& d : mix.ducks) {
    if (depends_on(*d.source, target)) return true;
  }
  return false;
}

matrix_status matrix::route(const std::string& mix, const std::string& source, double gain_db) {
  auto [m, error] = lookup_mix_with_crosspoints(mix);
  if (error) return error;
  auto it = channels_.find(source);
  if (it == channels_.end()) return not_found("channel", source);
  if (crosspoint* x = m->find(source)) {
    x->gain_db = gain_db;
    x->muted = false;
    return std::nullopt;
  }
  if (it->second.mix && (source == mix || uses(*it->second.mix, m->bus.get()))) {
    return conflict("route " + source + " into " + mix + " would make a cycle");
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

matrix_status matrix::set_pan(const std::string& mix, const std::string& source, double position) {
  auto [x, error] = lookup_crosspoint(mix, source);
  if (error) return error;
  x->pan = position;
  return std::nullopt;
}

matrix_status matrix::set_duck(const std::string& mix, const std::string& source, const duck_params& params) {
  auto [m, error] = lookup_mix_with_crosspoints(mix);
  if (error) return error;
  auto it = channels_.find(source);
  if (it == channels_.end()) return not_found("channel", source);
  if (source == mix || (it->second.mix && uses(*it->second.mix, m->bus.get()))) {
    return conflict("duck " + mix + " " + source + " would make a cycle");
  }
  auto existing = std::find_if(m->ducks.begin(), m->ducks.end(),
                               [&](const duck& d) { return d.source->name() == source; });
  if (existing != m->ducks.end()) {
    existing->params = params;
    return std::nullopt;
  }
  duck d{it->second.ch, params};
  // Ducked again while still releasing: carry on from the envelope it has now.
  const channel* bus = m->bus.get();  // clang 14 cannot capture a structured binding
  auto releasing = std::find_if(releasing_.begin(), releasing_.end(), [&](const releasing_duck& r) {
    return r.mix == bus && r.d.source == d.source;
  });
  if (releasing != releasing_.end()) {
    d.envelope = releasing->d.envelope;
    releasing_.erase(releasing);
  }
  m->ducks.push_back(std::move(d));
  return std::nullopt;
}

matrix_status matrix::remove_duck(const std::string& mix, const std::string& source) {
  auto [m, error] = lookup_mix(mix);
  if (error) return error;
  auto it = std::find_if(m->ducks.begin(), m->ducks.end(),
                         [&](const duck& d) { return d.source->name() == source; });
  if (it == m->ducks.end()) return not_found("duck " + source + " in mix", mix);
  releasing_.push_back({m->bus.get(), *it});
  m->ducks.erase(it);
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

}  // namespace mixmatrix::mixer
