#pragma once

#include <string>

#include "protocol/stream_format.hpp"
#include "server/control/channel_directory.hpp"

namespace mixmatrix::server {

/// A raw port on its channel's line: ` port=P`, and in `show` the format of its connections
/// (` format=FORMAT,RATE,CHANNELS`, `own` when it was given none).
std::string port_line_words(const port_spec& spec, bool detailed, const protocol::stream_format& own);
/// A raw port in a scene file: ` port P`, and ` format FORMAT RATE CHANNELS` when one was given.
std::string port_scene_words(const port_spec& spec);

}  // namespace mixmatrix::server
