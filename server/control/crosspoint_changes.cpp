#include "server/control/crosspoint_changes.hpp"

#include <string>
#include <utility>
#include <vector>

namespace mixmatrix::server {
namespace {

using protocol::code;
using protocol::failure;
namespace cmd = protocol::cmd;

std::optional<failure> status(const mixer::matrix_status& s) {
  if (s) return to_failure(*s);
  return std::nullopt;
}

std::optional<failure> kamaelia_switch(mixer::matrix& matrix, const cmd::kamaelia_switch& c) {
  using action = cmd::kamaelia_switch::action;
  const mixer::mix_state* mix = matrix.find_mix(c.mix);
  if (!mix) return failure{code::not_found, "no such mix " + c.mix};
  if (c.source && !matrix.find(*c.source)) return failure{code::not_found, "no such channel " + *c.source};
  // Switching on a source that is not routed yet routes it at 0 dB: Kamaelia's crosspoints always existed.
  if (c.source && c.what != action::off && !mix->find(*c.source)) {
    if (auto e = matrix.route(c.mix, *c.source, 0.0)) return to_failure(*e);
  }
  std::vector<std::pair<std::string, bool>> mutes;
  for (const auto& x : mix->routes) {
    const bool chosen = !c.source || x.source->name() == *c.source;
    mutes.emplace_back(x.source->name(), chosen ? c.what == action::off : (c.what == action::only || x.muted));
  }
  for (const auto& [source, muted] : mutes) matrix.set_muted(c.mix, source, muted);
  return std::nullopt;
}

}  // namespace

failure to_failure(const mixer::matrix_error& e) {
  switch (e.what) {
    case mixer::matrix_error::kind::not_found:
      return {code::not_found, e.text};
    case mixer::matrix_error::kind::conflict:
      return {code::conflict, e.text};
    case mixer::matrix_error::kind::limit:
      return {code::unavailable, e.text};
  }
  return {code::internal, e.text};
}

std::optional<failure> apply_crosspoint_change(mixer::matrix& matrix, const protocol::command& c) {
  if (const auto* x = std::get_if<cmd::route>(&c)) return status(matrix.route(x->mix, x->source, x->gain_db));
  if (const auto* x = std::get_if<cmd::unroute>(&c)) return status(matrix.unroute(x->mix, x->source));
  if (const auto* x = std::get_if<cmd::gain>(&c)) {
    return status(x->source ? matrix.set_gain(x->mix, *x->source, x->db) : matrix.set_master(x->mix, x->db));
  }
  if (const auto* x = std::get_if<cmd::mute>(&c)) return status(matrix.set_muted(x->mix, x->source, x->muted));
  if (const auto* x = std::get_if<cmd::pan>(&c)) return status(matrix.set_pan(x->mix, x->source, x->position));
  if (const auto* x = std::get_if<cmd::duck>(&c)) {
    return status(matrix.set_duck(x->mix, x->source, {x->db, x->threshold_dbfs, x->attack_ms, x->release_ms}));
  }
  if (const auto* x = std::get_if<cmd::unduck>(&c)) return status(matrix.remove_duck(x->mix, x->source));
  if (const auto* x = std::get_if<cmd::switch_mix>(&c)) return status(matrix.set_on(x->name, x->on));
  if (const auto* x = std::get_if<cmd::kamaelia_switch>(&c)) return kamaelia_switch(matrix, *x);
  return failure{code::internal, "not a crosspoint change"};
}

}  // namespace mixmatrix::server
