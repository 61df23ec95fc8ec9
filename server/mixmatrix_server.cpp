#include "server/mixmatrix_server.hpp"

#include <sys/resource.h>

#include <chrono>
#include <csignal>

#include <unistd.h>

#include "server/endpoint.hpp"
#include "server/log.hpp"

namespace mixmatrix::server {
namespace {

// The --demo scene: an A major chord, so a newcomer hears the three inputs at once ('mix add main
// port' goes after the inputs).
constexpr const char* demo_scene[] = {
    "input add DJ1 tone 440 -15",
    "input add DJ2 tone 554.37 -15",
    "input add PRERECORD tone 659.26 -15",
    "route main DJ1",
    "route main DJ2",
    "route main PRERECORD",
};

std::chrono::nanoseconds block_period(const mixer::engine_config& c) {
  return std::chrono::nanoseconds(std::int64_t{1'000'000'000} * c.block_frames / c.rate);
}

}  // namespace

mixmatrix_server::mixmatrix_server(const server_options& options)
    : options_(options),
      engine_(options_.engine),
      clock_(engine_),
      pump_(io_, block_period(options_.engine)),
      sessions_(pump_, events_, options_),
      executor_(io_, engine_, clock_, pump_, sessions_, events_, options_),
      control_(io_, executor_, events_, options_),
      stream_(io_, executor_, sessions_, options_),
      signals_(io_, SIGINT, SIGTERM),
      housekeeping_(io_) {}

int mixmatrix_server::run() {
  if (!build_scene()) return 1;
  // As PulseAudio does for its main loop: when other programs load the machine, the network thread
  // (and the disk threads it starts) still gets its turn, so listeners' audio keeps flowing. Linux
  // nice levels are per thread: this one and those created from it.
  if (::setpriority(PRIO_PROCESS, 0, options_.nice) != 0) {
    log(log_level::info, "nice level " + std::to_string(options_.nice) + " refused; the network thread runs at " +
                             std::to_string(::getpriority(PRIO_PROCESS, 0)));
  }
  if (!clock_.start(options_.rt_priority)) {
    log(log_level::info, "real-time scheduling refused; the engine runs at normal priority (--rt-priority 0 to stop asking)");
  }
  pump_.start();
  control_.start();
  stream_.start();
  signals_.async_wait([this](const error_code& ec, int signal) {
    if (ec) return;
    log(log_level::info, std::string("caught ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") + "; shutting down");
    shutdown();
  });
  do_housekeeping();
  const auto& e = options_.engine;
  log(log_level::info, "mixmatrixd " MIXMATRIX_VERSION ": control " + to_string(control_.local_endpoint()) + ", stream " +
                           to_string(stream_.local_endpoint()) + ", " + std::to_string(e.rate) + " Hz, block " +
                           std::to_string(e.block_frames) + " frames");
  io_.run();
  clock_.stop();
  log(log_level::info, "stopped after " + std::to_string(engine_.blocks()) + " blocks, " +
                           std::to_string(clock_.late_ticks()) + " late");
  return 0;
}

bool mixmatrix_server::build_scene() {
  const auto& state = options_.state_file;
  const bool restore = state && ::access(state->c_str(), F_OK) == 0;
  if (restore) {
    if (auto error = executor_.run_file(*state)) {
      log(log_level::error, "--state " + error->text + "; the file is left as it is: fix it or move it away");
      return false;
    }
    log(log_level::info, "scene restored from " + *state);
  } else if (options_.demo) {
    const std::string port = std::to_string(options_.demo_port);
    std::vector<std::string> lines(std::begin(demo_scene), std::end(demo_scene));
    lines.insert(lines.begin() + 3, "mix add main port " + port);
    for (const std::string& line : lines) {
      if (auto error = executor_.apply_line(line)) {
        log(log_level::error, "demo: " + line + ": " + error->text);
        return false;
      }
    }
    log(log_level::info, "demo: DJ1, DJ2 and PRERECORD mixed into 'main'; listen with: nc 127.0.0.1 " + port +
                             " | aplay -f cd");
  }
  if (options_.load_file) {
    if (auto error = executor_.run_file(*options_.load_file)) {
      log(log_level::error, "--load " + error->text);
      return false;
    }
  }
  executor_.persist();
  return true;
}

void mixmatrix_server::shutdown() {
  control_.stop();
  stream_.stop();
  executor_.stop();
  pump_.stop();
  housekeeping_.cancel();
  signals_.cancel();
}

void mixmatrix_server::do_housekeeping() {
  executor_.drop_finished_fades();
  engine_.plans().collect();
  if (events_.meters_wanted()) events_.publish_meters(executor_.meter_lines());
  housekeeping_.expires_after(std::chrono::milliseconds(100));
  housekeeping_.async_wait([this](const error_code& ec) {
    if (!ec) do_housekeeping();
  });
}

}  // namespace mixmatrix::server
