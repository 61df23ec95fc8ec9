#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "mixer/channel.hpp"
#include "mixer/gain_ramp.hpp"
#include "mixer/input_channel.hpp"

namespace mixmatrix::mixer {

/// One crosspoint as the engine runs it: the source's float bus times a gain that ramps toward
/// `target` (0 for a muted or unrouted crosspoint that is fading out).
struct route_step {
  channel* source;
  gain_ramp* gain;
  float target;
};

/// One mix as the engine runs it: its routes are plan.routes[first_route, first_route + route_count).
/// An off mix has master target 0 and, once ramped down, costs nothing.
struct mix_step {
  channel* mix;
  gain_ramp* master;
  float master_target;
  std::uint32_t first_route;
  std::uint32_t route_count;
};

/// The routing matrix compiled for the engine: immutable once published. The engine reads it
/// through raw pointers; `channels` and `ramps` keep everything it names alive while it exists.
struct mix_plan {
  std::vector<std::shared_ptr<channel>> channels;  ///< ownership only; the engine never touches it
  std::vector<std::shared_ptr<gain_ramp>> ramps;   ///< ownership only
  std::vector<input_channel*> inputs;               ///< rendered first, in any order
  std::vector<mix_step> mixes;                      ///< topological order: sources before users
  std::vector<route_step> routes;
};

}  // namespace mixmatrix::mixer
