#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mixmatrix::test {

/// A UDP socket on 127.0.0.1, for tests that send or relay datagrams.
class udp_socket {
 public:
  /// Binds 127.0.0.1:`port` (0: any free port); throws std::runtime_error when it cannot.
  explicit udp_socket(std::uint16_t port = 0);
  udp_socket(const udp_socket&) = delete;
  udp_socket& operator=(const udp_socket&) = delete;
  ~udp_socket();

  /// The port bound.
  std::uint16_t port() const { return port_; }
  /// Sends `datagram` to 127.0.0.1:`port`.
  void send_to(std::uint16_t port, std::string_view datagram);
  /// The next datagram, or nullopt when none comes within `timeout`.
  std::optional<std::string> receive(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace mixmatrix::test
