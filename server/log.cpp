#include "server/log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace mixmatrix::server {
namespace {
log_level threshold = log_level::info;
constexpr const char* names[] = {"error", "warn", "info", "debug"};
}  // namespace

void set_log_level(log_level level) { threshold = level; }

bool parse_log_level(std::string_view word, log_level& level) {
  for (int i = 0; i < 4; ++i) {
    if (word == names[i]) {
      level = static_cast<log_level>(i);
      return true;
    }
  }
  return false;
}

void log(log_level level, std::string_view text) {
  if (level > threshold) return;
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
  std::fprintf(stderr, "%s.%03dZ %-5s %.*s\n", stamp, static_cast<int>(millis), names[static_cast<int>(level)],
               static_cast<int>(text.size()), text.data());
}

}  // namespace mixmatrix::server
