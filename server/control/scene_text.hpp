#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "mixer/matrix.hpp"
#include "server/control/audio_service.hpp"
#include "server/control/channel_directory.hpp"

namespace mixmatrix::server {

/// The scene as control commands that rebuild it (what `save` and the state file hold): inputs
/// (file inputs from `audio`), mixes, and what `transports` say serves them (ports, RTP streams);
/// routes, gains, mutes, pans, ducks, states. `default_latency_ms` is left unsaid.
std::string scene_text(const mixer::matrix& matrix, std::span<channel_service* const> transports,
                       const audio_service& audio, std::uint32_t default_latency_ms);

}  // namespace mixmatrix::server
