#pragma once

#include <span>
#include <string>

#include "server/control/command_result.hpp"
#include "server/control/reports.hpp"

namespace mixmatrix::server {

/// A command's answer as the control port writes it: its data lines, then `OK [STATUS]` or
/// `ERR CODE TEXT`, each with its LF.
std::string telnet_text(const command_result& r);
/// Meter readings as `* meter NAME peak=L,R rms=L,R clips=N` event lines.
std::string telnet_meter_events(std::span<const channel_meters> readings);

}  // namespace mixmatrix::server
