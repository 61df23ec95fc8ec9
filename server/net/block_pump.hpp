#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "server/asio.hpp"
#include "server/net/pumped_session.hpp"

namespace mixmatrix::server {

/// Owns and drives every audio session: once per engine block, on absolute deadlines of the
/// steady clock, each session moves what audio is ready (a paused sender has no I/O in flight,
/// so the pump is what keeps it alive). Stopped sessions are let go at the next tick.
class block_pump {
 public:
  /// A pump ticking every `period` on `io`.
  block_pump(asio::io_context& io, std::chrono::nanoseconds period);

  /// Starts ticking.
  void start();
  /// Adds a session, owned from now on by the pump until it stops.
  void add(std::shared_ptr<pumped_session> session);
  /// Stops every session on `ch`.
  void disconnect(const mixer::channel* ch);
  /// Stops every session and the ticking.
  void stop();

 private:
  void do_tick();

  asio::steady_timer timer_;
  std::chrono::nanoseconds period_;
  std::chrono::steady_clock::time_point next_;
  std::vector<std::shared_ptr<pumped_session>> sessions_;
  bool stopped_ = false;
};

}  // namespace mixmatrix::server
