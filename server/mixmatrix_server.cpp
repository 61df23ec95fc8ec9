#include "server/mixmatrix_server.hpp"

#include <unistd.h>

#include <chrono>
#include <csignal>

#include "protocol/command_parser.hpp"
#include "protocol/words.hpp"
#include "server/control/scene_file.hpp"
#include "server/control/scene_script.hpp"
#include "server/log.hpp"
#include "server/net/endpoint.hpp"

namespace mixmatrix::server {
namespace {

// The --demo scene: an A major chord, so a newcomer hears the three inputs at once.
std::string demo_scene(std::uint16_t port) {
  return "input add DJ1 tone 440 -15\n"
         "input add DJ2 tone 554.37 -15\n"
         "input add PRERECORD tone 659.26 -15\n"
         "mix add main port " + std::to_string(port) + "\n"
         "route main DJ1\n"
         "route main DJ2\n"
         "route main PRERECORD\n";
}

// Disk jobs and sound-device calls; two threads, so a slow card does not hold up the state file.
constexpr std::size_t worker_threads = 2;

}  // namespace

mixmatrix_server::mixmatrix_server(const server_options& options)
    : options_(options),
      engine_(options_.engine),
      clock_(engine_),
      pump_(io_, published_),
      sessions_(pump_, events_, options_),
      ports_(io_, options_.stream.address(), sessions_),
      rtp_(io_, options_.engine.rate, options_.reference_clock),
      rtp_in_(io_, options_.engine.rate, events_),
      sap_(io_, {options_.sap, options_.sap_address, options_.sap_ttl}, rtp_, rtp_in_),
      workers_(worker_threads),
      store_(io_, asio::make_strand(workers_), options_.state_file),
      audio_(io_, workers_, asio::make_strand(workers_), options_.engine.rate),
      core_(engine_, clock_, {events_, ports_, rtp_in_, rtp_, sap_, audio_, store_, {&sessions_}}, options_),
      control_(io_, core_, events_, options_),
      stream_(io_, core_, sessions_, options_),
      web_auth_(options_.password),
      signals_(io_, SIGINT, SIGTERM),
      housekeeping_(io_) {
  if (options_.http) web_.emplace(io_, web_context{core_, events_, pump_, sessions_, web_auth_, options_, {}});
}

int mixmatrix_server::run() {
  if (!build_scene()) return 1;
  if (!clock_.start(options_.rt_priority, published_)) {
    log(log_level::info, "real-time scheduling refused; the engine runs at normal priority (--rt-priority 0 to stop asking)");
  }
  pump_.start();
  control_.start();
  stream_.start();
  sap_.start();
  if (web_) web_->start();
  signals_.async_wait([this](const error_code& ec, int signal) {
    if (ec) return;
    log(log_level::info, std::string("caught ") + (signal == SIGINT ? "SIGINT" : "SIGTERM") + "; shutting down");
    shutdown();
  });
  do_housekeeping();
  const auto& e = options_.engine;
  log(log_level::info, "mixmatrixd " MIXMATRIX_VERSION ": control " + to_string(control_.local_endpoint()) + ", stream " +
                           to_string(stream_.local_endpoint()) +
                           (web_ ? ", web http://" + to_string(web_->local_endpoint()) + "/" : std::string{}) + ", " +
                           std::to_string(e.rate) + " Hz, block " + std::to_string(e.block_frames) + " frames");
  io_.run();
  workers_.join();
  clock_.stop();
  log(log_level::info, "stopped after " + std::to_string(engine_.blocks()) + " blocks, " +
                           std::to_string(clock_.late_ticks()) + " late");
  return 0;
}

// Runs a scene file's text through the command core before anything is served, turning the
// io_context by hand until its last line is answered (files and devices answer from workers).
bool mixmatrix_server::run_scene_file(const std::string& path, const std::string& flag) {
  auto text = path.empty() ? protocol::result<std::string>(demo_scene(options_.demo_port)) : read_text(path);
  if (!text) {
    log(log_level::error, flag + " " + text.error().text);
    return false;
  }
  std::optional<std::optional<protocol::failure>> outcome;
  {
    const auto busy = asio::make_work_guard(io_);
    run_scene_script(core_, path.empty() ? "demo" : path, std::move(text.value()), 0,
                     [&outcome](std::optional<protocol::failure> error) { outcome = std::move(error); });
    while (!outcome) io_.run_one();
  }
  io_.restart();  // the guard's end may have left the io_context stopped: run() must start afresh
  if (*outcome) {
    log(log_level::error, flag + " " + (*outcome)->text);
    return false;
  }
  return true;
}

bool mixmatrix_server::build_scene() {
  const auto& state = options_.state_file;
  if (state && ::access(state->c_str(), F_OK) == 0) {
    if (!run_scene_file(*state, "--state")) {
      log(log_level::error, "the --state file is left as it is: fix it or move it away");
      return false;
    }
    log(log_level::info, "scene restored from " + *state);
  } else if (options_.demo) {
    if (!run_scene_file("", "--demo")) return false;
    log(log_level::info, "demo: DJ1, DJ2 and PRERECORD mixed into 'main'; listen with: nc 127.0.0.1 " +
                             std::to_string(options_.demo_port) + " | aplay -f cd" +
                             (web_ ? "; see it at http://" + to_string(web_->local_endpoint()) + "/" : std::string{}));
  }
  if (options_.load_file && !run_scene_file(*options_.load_file, "--load")) return false;
  core_.persist();
  return true;
}

void mixmatrix_server::shutdown() {
  stopping_ = true;
  control_.stop();
  stream_.stop();
  if (web_) web_->stop();
  ports_.close_all();
  sap_.stop();  // its deletions go out while the streams they name still do
  rtp_.stop_all();
  rtp_in_.stop_all();
  audio_.stop_all();
  pump_.stop();
  housekeeping_.cancel();
  signals_.cancel();
}

void mixmatrix_server::do_housekeeping() {
  core_.housekeep();
  // On absolute deadlines, so meters go out ten times a second, not a little less.
  const auto now = std::chrono::steady_clock::now();
  housekeeping_due_ = std::max(housekeeping_due_ + std::chrono::milliseconds(100), now - std::chrono::seconds(1));
  housekeeping_.expires_at(housekeeping_due_);
  // Not on the error code alone: a wait that expired just before shutdown() cancelled it is
  // already queued with success, and arming it again would keep io_.run() from ever returning.
  housekeeping_.async_wait([this](const error_code& ec) {
    if (!ec && !stopping_) do_housekeeping();
  });
}

}  // namespace mixmatrix::server
