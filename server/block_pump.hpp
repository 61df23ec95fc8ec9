#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include "server/asio.hpp"
#include "server/pumped_session.hpp"

namespace mixmatrix::server {

/// Drives every audio session once per engine block on the network thread, on absolute
/// deadlines of the steady clock, and lets the control side disconnect the sessions of a channel.
class block_pump {
 public:
  /// A pump ticking every `period` on `io`.
  block_pump(asio::io_context& io, std::chrono::nanoseconds period);

  /// Starts ticking.
  void start();
  /// Adds a session; the pump holds it weakly (the session's own async steps keep it alive).
  void add(const std::shared_ptr<pumped_session>& session);
  /// Stops every session on `ch`.
  void disconnect(const mixer::channel* ch);
  /// Stops every session and the ticking.
  void stop();

 private:
  void do_tick();

  asio::steady_timer timer_;
  std::chrono::nanoseconds period_;
  std::chrono::steady_clock::time_point next_;
  std::vector<std::weak_ptr<pumped_session>> sessions_;
  bool stopped_ = false;
};

}  // namespace mixmatrix::server
