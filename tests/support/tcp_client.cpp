#include "tests/support/tcp_client.hpp"
#include "tests/support/loopback.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>

namespace mixmatrix::test {

tcp_client::tcp_client(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const sockaddr_in a = loopback(port);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd_);
    throw std::runtime_error("cannot connect to port " + std::to_string(port));
  }
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

tcp_client::~tcp_client() {
  if (fd_ >= 0) ::close(fd_);
}

bool tcp_client::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool tcp_client::fill(std::chrono::milliseconds timeout) {
  if (eof_) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
  char buffer[65536];
  const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  pending_.append(buffer, static_cast<std::size_t>(n));
  return true;
}

std::optional<std::string> tcp_client::read_line(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto end = pending_.find('\n');
    if (end != std::string::npos) {
      std::string line = pending_.substr(0, end);
      pending_.erase(0, end + 1);
      return line;
    }
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !fill(left)) return std::nullopt;
  }
}

std::string tcp_client::read_for(std::chrono::milliseconds duration) {
  const auto until = std::chrono::steady_clock::now() + duration;
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0 || (!fill(left) && eof_)) break;
  }
  return std::exchange(pending_, {});
}

std::string tcp_client::read_exact(std::size_t n, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (pending_.size() < n) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !fill(left)) break;
  }
  std::string out = pending_.substr(0, n);
  pending_.erase(0, out.size());
  return out;
}

bool tcp_client::wait_closed(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!eof_) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    fill(left);
    pending_.clear();
  }
  return true;
}

void tcp_client::abort() {
  const linger l{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd_);
  fd_ = -1;
}

void tcp_client::set_receive_buffer(int bytes) { ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes); }

namespace {
// Ports below the kernel's ephemeral range (ip_local_port_range starts at 32768 on Debian), which
// no outgoing connection and no bind to port 0 is ever given: a port handed out here cannot be
// taken by another test's client in the moment before our server binds it.
constexpr std::uint16_t first_test_port = 20000, end_test_port = 32000;

constexpr const char* lock_dir = "/tmp/mixmatrix-test-ports";
constexpr int held_elsewhere = -1, no_lock = -2;

// Holds `port` for this process until it exits (flock on a file per port, in a directory every
// user may write, as /tmp is): parallel test processes never hand out the same one. Returns the
// lock's descriptor, held_elsewhere, or no_lock where none can be had (the bind probe decides).
int reserve(std::uint16_t port) {
  static const bool made = [] {
    if (::mkdir(lock_dir, 01777) != 0 && errno != EEXIST) return false;
    ::chmod(lock_dir, 01777);  // mkdir's mode went through the umask; only its owner can mend it
    return true;
  }();
  if (!made) return no_lock;
  const std::string path = std::string(lock_dir) + "/" + std::to_string(port);
  // Read-only: a lock needs no more, and another user's file (mode 0644 by their umask) opens so.
  const int fd = ::open(path.c_str(), O_CREAT | O_RDONLY | O_CLOEXEC, 0666);
  if (fd < 0) return no_lock;
  ::fchmod(fd, 0666);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return held_elsewhere;
  }
  return fd;
}

bool can_bind(int type, std::uint16_t port) {
  const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // as the server's acceptors bind
  const sockaddr_in a = loopback(port);
  const bool bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return bound;
}
}  // namespace

std::uint16_t free_port() {
  static std::mutex mutex;
  static auto next =
      static_cast<std::uint16_t>(first_test_port + ::getpid() % (end_test_port - first_test_port));
  const std::lock_guard lock(mutex);
  for (int tried = 0; tried < end_test_port - first_test_port; ++tried) {
    const std::uint16_t port = next;
    next = next + 1 == end_test_port ? first_test_port : static_cast<std::uint16_t>(next + 1);
    const int held = reserve(port);
    if (held == held_elsewhere) continue;
    if (can_bind(SOCK_STREAM, port) && can_bind(SOCK_DGRAM, port)) return port;  // the lock stays held
    if (held >= 0) ::close(held);
  }
  throw std::runtime_error("no free port between " + std::to_string(first_test_port) + " and " +
                           std::to_string(end_test_port));
}

}  // namespace mixmatrix::test
