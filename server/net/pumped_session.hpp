#pragma once

namespace mixmatrix::mixer {
class channel;
}

namespace mixmatrix::server {

/// A connection that moves audio between a socket and a channel and is driven by the block
/// pump once per engine block (the engine cannot wake the network thread: that would be I/O).
class pumped_session {
 public:
  virtual ~pumped_session() = default;
  /// Network thread: moves whatever audio is ready, without blocking.
  virtual void pump() = 0;
  /// Network thread: closes the connection; idempotent.
  virtual void stop() = 0;
  /// Network thread: true once stopped (the pump then lets go of it).
  virtual bool stopped() const = 0;
  /// The channel this session feeds or listens to.
  virtual const mixer::channel* channel() const = 0;
};

}  // namespace mixmatrix::server
