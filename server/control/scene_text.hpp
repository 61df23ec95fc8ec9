#pragma once

#include <cstdint>
#include <string>

#include "mixer/matrix.hpp"
#include "server/control/audio_service.hpp"
#include "server/control/channel_directory.hpp"

namespace mixmatrix::server {

/// The scene as control commands that rebuild it (what `save` and the state file hold): inputs,
/// mixes with their ports and the formats given them and their RTP streams, routes, gains, mutes, states.
/// `default_latency_ms` is left unsaid.
std::string scene_text(const mixer::matrix& matrix, const channel_ports& ports, const channel_rtp& rtp,
                       const audio_service& audio,
                       std::uint32_t default_latency_ms);

}  // namespace mixmatrix::server
