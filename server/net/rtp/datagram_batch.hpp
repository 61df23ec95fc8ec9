#pragma once

#include <sys/socket.h>

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace mixmatrix::server {

/// Buffers for reading many datagrams with one recvmmsg(2) call, shared by every RTP receiver on
/// the network thread: thousands of streams cost one batch of memory, not one each.
class datagram_batch {
 public:
  /// The most datagrams one call reads.
  static constexpr std::size_t capacity = 32;
  /// The largest datagram kept whole: a bigger one is read truncated().
  static constexpr std::size_t max_bytes = 4096;

  datagram_batch();

  /// Reads what is waiting on the non-blocking socket `fd`, without waiting; how many datagrams
  /// (0 when none, or on an error).
  std::size_t receive(int fd);
  /// Datagram `i` of the last receive().
  std::span<const std::byte> datagram(std::size_t i) const;
  /// Whether datagram `i` was longer than max_bytes.
  bool truncated(std::size_t i) const { return (messages_[i].msg_hdr.msg_flags & MSG_TRUNC) != 0; }
  /// Who sent datagram `i`: `ADDR:PORT`.
  std::string sender(std::size_t i) const;

 private:
  std::vector<std::byte> storage_;
  std::array<mmsghdr, capacity> messages_{};
  std::array<iovec, capacity> vectors_{};
  std::array<sockaddr_storage, capacity> senders_{};
};

}  // namespace mixmatrix::server
