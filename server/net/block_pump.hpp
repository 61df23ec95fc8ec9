#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "server/asio.hpp"
#include "server/block_signal.hpp"
#include "server/net/pumped_session.hpp"

namespace mixmatrix::server {

/// Owns and drives every audio session: as soon as the engine has published a block (its
/// block_signal), each session moves what audio is ready, so a listener gets a block without
/// waiting for a timer (a paused sender has no I/O in flight, so the pump is what keeps it alive).
/// Stopped sessions are let go at the next tick.
class block_pump {
 public:
  /// A pump on `io`, ticking when `published` says a block is out.
  block_pump(asio::io_context& io, const block_signal& published);

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
  void do_wait();

  asio::posix::stream_descriptor published_;  // a duplicate of the signal's eventfd
  std::uint64_t count_ = 0;                   // what a read of it takes
  std::vector<std::shared_ptr<pumped_session>> sessions_;
  bool stopped_ = false;
};

}  // namespace mixmatrix::server
