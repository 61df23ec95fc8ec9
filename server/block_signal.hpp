#pragma once

namespace mixmatrix::server {

/// How the engine thread tells the network thread that a block was published, as PipeWire's data
/// loop does: an eventfd it writes once per block. The write never blocks (the counter holds up to
/// 2^64 - 2 blocks) and allocates nothing: the one system call the engine thread makes besides its
/// clock's sleep.
class block_signal {
 public:
  /// Opens the eventfd; throws std::system_error when it cannot.
  block_signal();
  ~block_signal();
  block_signal(const block_signal&) = delete;
  block_signal& operator=(const block_signal&) = delete;

  /// Engine thread: one more block is published.
  void notify() const;
  /// The eventfd, to wait on (readable once a block was published; a read takes the count).
  int fd() const { return fd_; }

 private:
  int fd_;
};

}  // namespace mixmatrix::server
