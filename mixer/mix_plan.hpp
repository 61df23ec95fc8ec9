#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "mixer/channel.hpp"
#include "mixer/input_channel.hpp"

namespace mixmatrix::mixer {

/// One crosspoint as the engine runs it: the source's float bus times a gain that ramps
/// from `from` to `to` over the first block of the plan.
struct route_step {
  channel* source;
  float from;
  float to;
};

/// One mix as the engine runs it: its routes are plan.routes[first_route, first_route + route_count).
/// An off mix has master `to` = 0 and, once ramped down, costs nothing.
struct mix_step {
  channel* mix;
  std::uint32_t first_route;
  std::uint32_t route_count;
  float master_from;
  float master_to;
  bool on;
};

/// The routing matrix compiled for the engine: immutable once published. The engine reads it
/// through raw pointers; `channels` keeps every channel it names alive for as long as it exists.
struct mix_plan {
  std::vector<std::shared_ptr<channel>> channels;  ///< ownership only; the engine never touches it
  std::vector<input_channel*> inputs;               ///< rendered first, in any order
  std::vector<mix_step> mixes;                      ///< topological order: sources before users
  std::vector<route_step> routes;
};

}  // namespace mixmatrix::mixer
