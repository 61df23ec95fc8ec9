#pragma once

#include <memory>
#include <vector>

#include "server/control/command_core.hpp"
#include "server/control/event_bus.hpp"
#include "server/net/audio_sessions.hpp"
#include "server/net/block_pump.hpp"
#include "server/net/http/web_auth.hpp"
#include "server/server_options.hpp"

namespace mixmatrix::server {

class web_session;

/// What the web surface's connections work with.
struct web_context {
  command_core& core;
  event_bus& events;
  block_pump& pump;
  audio_sessions& sessions;
  web_auth& auth;
  const server_options& options;
  std::vector<std::weak_ptr<web_session>> websockets;  ///< open ones, to count and to close
};

}  // namespace mixmatrix::server
