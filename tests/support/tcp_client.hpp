#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace mixmatrix::test {

/// A blocking loopback TCP client with timeouts, for tests.
class tcp_client {
 public:
  /// Connects to 127.0.0.1:`port`; throws std::runtime_error when it cannot.
  explicit tcp_client(std::uint16_t port);
  tcp_client(const tcp_client&) = delete;
  tcp_client& operator=(const tcp_client&) = delete;
  /// Takes over `other`'s connection.
  tcp_client(tcp_client&& other) noexcept
      : fd_(std::exchange(other.fd_, -1)), eof_(other.eof_), pending_(std::move(other.pending_)) {}
  ~tcp_client();

  /// Sends all of `bytes` (blocking); false if the connection failed.
  bool send(std::string_view bytes);
  /// The next line without its LF (a CR before it is kept), or nullopt on timeout or close.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  /// Every byte that arrives within `duration` (less if the peer closes).
  std::string read_for(std::chrono::milliseconds duration);
  /// Exactly `n` bytes, or fewer if `timeout` passes or the peer closes first.
  std::string read_exact(std::size_t n, std::chrono::milliseconds timeout);
  /// True when the peer closes within `timeout` (any bytes before the close are discarded).
  bool wait_closed(std::chrono::milliseconds timeout);
  /// Closes with a reset (SO_LINGER 0), as a crashed client would.
  void abort();
  /// Sets the kernel receive buffer size (before data flows).
  void set_receive_buffer(int bytes);

 private:
  // Reads once into pending_, waiting up to `timeout`; false on timeout or close.
  bool fill(std::chrono::milliseconds timeout);

  int fd_ = -1;
  bool eof_ = false;
  std::string pending_;
};

/// A port on 127.0.0.1, free for TCP and UDP, that no other test process or ephemeral socket is given.
std::uint16_t free_port();

}  // namespace mixmatrix::test
