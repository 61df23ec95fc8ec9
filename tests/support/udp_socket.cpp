#include "tests/support/udp_socket.hpp"
#include "tests/support/loopback.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace mixmatrix::test {

udp_socket::udp_socket(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
  if (fd_ < 0) throw std::runtime_error("udp socket");
  const int big = 1 << 20;
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  auto a = loopback(port);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd_);
    throw std::runtime_error("udp bind to 127.0.0.1:" + std::to_string(port));
  }
  socklen_t length = sizeof a;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &length);
  port_ = ntohs(a.sin_port);
}

udp_socket::~udp_socket() {
  ::close(fd_);
}

void udp_socket::send_to(std::uint16_t port, std::string_view datagram) {
  const auto a = loopback(port);
  ::sendto(fd_, datagram.data(), datagram.size(), 0, reinterpret_cast<const sockaddr*>(&a), sizeof a);
}

std::optional<std::string> udp_socket::receive(std::chrono::milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
  std::string datagram(65536, '\0');
  const auto n = ::recv(fd_, datagram.data(), datagram.size(), 0);
  if (n < 0) return std::nullopt;
  datagram.resize(static_cast<std::size_t>(n));
  return datagram;
}

}  // namespace mixmatrix::test
