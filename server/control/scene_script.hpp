#pragma once

#include <functional>
#include <optional>
#include <string>

#include "protocol/failure.hpp"

namespace mixmatrix::server {

class command_core;

/// Runs the control commands in `text` (a scene file read from `path`: blank lines and `#`
/// comments skipped) one after another through `core`, each waiting for the one before, as a
/// scene-file client `depth` loads deep. `done` gets nullopt, or the failure of the first line
/// that failed as `PATH:N: LINE: TEXT`; the lines before it stay applied.
void run_scene_script(command_core& core, const std::string& path, std::string text, int depth,
                      std::function<void(std::optional<protocol::failure>)> done);

}  // namespace mixmatrix::server
