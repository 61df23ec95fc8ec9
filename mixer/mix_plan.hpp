#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "mixer/channel.hpp"
#include "mixer/duck_envelope.hpp"
#include "mixer/gain_ramp.hpp"
#include "mixer/input_channel.hpp"
#include "mixer/stereo_ramp.hpp"

namespace mixmatrix::mixer {

/// No crosspoint: a mix-minus whose source is not routed into its mix.
inline constexpr std::uint32_t no_route = UINT32_MAX;

/// One crosspoint as the engine runs it: the source's float bus times a left and a right gain that
/// ramp toward `target` (equal unless panned; 0 for a muted crosspoint or an unrouted one fading
/// out). `envelope` says which ducks lower it: 0 none, 1 every duck of its mix, 2 + k every duck
/// but the mix's k-th (the crosspoint of that duck's key).
struct route_step {
  channel* source;
  stereo_ramp* gain;
  float target[2];
  std::uint32_t envelope;
};

/// One duck of a mix as the engine runs it; `key` is null for a duck that was removed and is
/// releasing.
struct duck_step {
  const channel* key;
  duck_envelope* envelope;
  duck_settings settings;
};

/// One mix-minus as the engine runs it: its mix's sum less plan.routes[route] (no_route: nothing to
/// take out), then its own master. Computed in its mix's step, right after the sum.
struct minus_step {
  channel* mix;
  gain_ramp* master;
  float master_target;
  std::uint32_t route;
};

/// One mix as the engine runs it: plan.routes[first_route, + route_count), grouped by envelope
/// (0 first, in route order when the mix has no ducks), its plan.ducks and plan.minuses likewise.
/// An off mix has master target 0 and, once ramped down, costs nothing unless a mix-minus of it
/// is heard.
struct mix_step {
  channel* mix;
  gain_ramp* master;
  float master_target;
  std::uint32_t first_route;
  std::uint32_t route_count;
  std::uint32_t first_duck = 0;
  std::uint32_t duck_count = 0;
  std::uint32_t first_minus = 0;
  std::uint32_t minus_count = 0;
};

/// The routing matrix compiled for the engine: immutable once published. The engine reads it
/// through raw pointers; the ownership vectors keep everything it names alive while it exists.
struct mix_plan {
  std::vector<std::shared_ptr<channel>> channels;         ///< ownership only; the engine never touches it
  std::vector<std::shared_ptr<gain_ramp>> ramps;          ///< ownership only
  std::vector<std::shared_ptr<stereo_ramp>> crosspoints;  ///< ownership only
  std::vector<std::shared_ptr<duck_envelope>> envelopes;  ///< ownership only
  std::vector<input_channel*> inputs;                     ///< rendered first, in any order
  std::vector<mix_step> mixes;                            ///< topological order: sources before users
  std::vector<route_step> routes;
  std::vector<duck_step> ducks;
  std::vector<minus_step> minuses;
};

}  // namespace mixmatrix::mixer
