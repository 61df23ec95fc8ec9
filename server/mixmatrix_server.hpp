#pragma once

#include <optional>

#include "mixer/engine.hpp"
#include "server/asio.hpp"
#include "server/block_signal.hpp"
#include "server/control/command_core.hpp"
#include "server/control/event_bus.hpp"
#include "server/control/scene_store.hpp"
#include "server/engine_thread.hpp"
#include "server/local_audio/local_audio.hpp"
#include "server/net/audio_sessions.hpp"
#include "server/net/block_pump.hpp"
#include "server/net/control_server.hpp"
#include "server/net/http/http_server.hpp"
#include "server/net/http/web_auth.hpp"
#include "server/net/raw_ports.hpp"
#include "server/net/rtp/rtp_receivers.hpp"
#include "server/net/rtp/rtp_senders.hpp"
#include "server/net/rtp/sap_directory.hpp"
#include "server/net/stream_server.hpp"
#include "server/server_options.hpp"
#include "server/worker.hpp"

namespace mixmatrix::server {

/// mixmatrixd as a whole: the network thread (this object's io_context) with the control and
/// stream ports, the worker threads for disks and devices, and the engine thread with its clock.
class mixmatrix_server {
 public:
  /// Binds the control and stream ports; throws boost::system::system_error when it cannot.
  explicit mixmatrix_server(const server_options& options);

  /// Sets up the scene (the --state file if it exists, else --demo; then --load), then serves until
  /// SIGINT or SIGTERM. Returns the exit status: 0 after a clean shutdown, 1 when the scene could
  /// not be set up (a bad state file is left untouched).
  int run();

 private:
  bool build_scene();
  bool run_scene_file(const std::string& path, const std::string& flag);
  void shutdown();
  void do_housekeeping();

  server_options options_;
  asio::io_context io_;
  mixer::engine engine_;
  block_signal published_;  // from the engine thread to the pump, once a block
  engine_thread clock_;
  event_bus events_;  // before the pump: sessions it owns announce their end while it is destroyed
  block_pump pump_;
  audio_sessions sessions_;
  raw_ports ports_;
  rtp_senders rtp_;
  rtp_receivers rtp_in_;
  sap_directory sap_;
  worker_pool workers_;  // after what its jobs answer to: joined before those go
  scene_store store_;
  local_audio audio_;
  command_core core_;
  control_server control_;
  stream_server stream_;
  web_auth web_auth_;
  std::optional<http_server> web_;  // none with --http off
  asio::signal_set signals_;
  asio::steady_timer housekeeping_;
  std::chrono::steady_clock::time_point housekeeping_due_ = std::chrono::steady_clock::now();
  bool stopping_ = false;  // shutdown() ran: no timer is armed again
};

}  // namespace mixmatrix::server
