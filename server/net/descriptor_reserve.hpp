#pragma once

namespace mixmatrix::server {

/// One file descriptor held back for the moment the process runs out of them (the technique
/// libev's documentation describes): on EMFILE or ENFILE, an acceptor gives the reserve up, accepts
/// the waiting connection and closes it at once (the peer sees its connection refused instead of
/// hanging in the backlog), then takes the reserve back. Network thread only.
class descriptor_reserve {
 public:
  /// Opens the reserve (a descriptor on /dev/null).
  descriptor_reserve();
  descriptor_reserve(const descriptor_reserve&) = delete;
  descriptor_reserve& operator=(const descriptor_reserve&) = delete;
  ~descriptor_reserve();

  /// Refuses one waiting connection on the listening socket `listener` with the reserve's help;
  /// false when there was no reserve to give up (the caller then waits before trying again).
  bool refuse_one(int listener);

 private:
  int fd_;
};

}  // namespace mixmatrix::server
