#pragma once

#include <string_view>

namespace mixmatrix::server {

/// Severity of a log line.
enum class log_level { error = 0, warn = 1, info = 2, debug = 3 };

/// Sets the most verbose level printed (default info). Call before threads start.
void set_log_level(log_level level);
/// Parses error|warn|info|debug; false if unknown.
bool parse_log_level(std::string_view word, log_level& level);
/// Writes one line to stderr: UTC time, level, text. Never call it from the engine thread.
void log(log_level level, std::string_view text);

}  // namespace mixmatrix::server
