// floor: the kernel's own cost of taking N streams in, the floor under any network mixer. It only
// receives and throws away: with --tcp it accepts one connection on each of N ports and reads each
// with epoll; with --udp it binds N UDP ports and drains each ready socket with recvmmsg. The bench
// scripts measure its CPU beside mixmatrixd's in the same run, so every figure is a ratio to it.
// Runs until SIGTERM or SIGINT, then prints one line of key=value pairs.
//
//   floor (--tcp | --udp) --base PORT --count N [--host ADDR]

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

volatile std::sig_atomic_t stop_requested = 0;
void request_stop(int) {
  stop_requested = 1;
}

[[noreturn]] void usage() {
  std::fprintf(stderr, "usage: floor (--tcp | --udp) --base PORT --count N [--host ADDR]\n");
  std::exit(2);
}

int bound_socket(int type, const std::string& host, std::uint16_t port) {
  const int fd = ::socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  ::inet_pton(AF_INET, host.c_str(), &address.sin_addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      (type == SOCK_STREAM && ::listen(fd, 16) != 0)) {
    std::perror(("floor: port " + std::to_string(port)).c_str());
    std::exit(1);
  }
  return fd;
}

void watch(int epoll, int fd, std::uint64_t id) {
  epoll_event e{};
  e.events = EPOLLIN;
  e.data.u64 = id;
  ::epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &e);
}

}  // namespace

int main(int argc, char** argv) {
  int type = 0;
  std::string host = "127.0.0.1";
  long base = 0;
  long count = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage();
      return argv[++i];
    };
    if (a == "--tcp")
      type = SOCK_STREAM;
    else if (a == "--udp")
      type = SOCK_DGRAM;
    else if (a == "--base")
      base = std::atol(value().c_str());
    else if (a == "--count")
      count = std::atol(value().c_str());
    else if (a == "--host")
      host = value();
    else
      usage();
  }
  if (type == 0 || base <= 0 || count <= 0 || base + count > 65536) usage();
  // As mixmatrixd does: N streams take N descriptors (and N listening ones for TCP).
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  if (static_cast<rlim_t>(2 * count + 16) > limit.rlim_cur) {
    std::fprintf(stderr, "floor: %ld streams need %ld descriptors; the limit is %llu\n", count,
                 2 * count + 16, static_cast<unsigned long long>(limit.rlim_cur));
    return 1;
  }
  struct sigaction on_signal {};
  on_signal.sa_handler = request_stop;  // no SA_RESTART: epoll_wait returns at once
  ::sigaction(SIGINT, &on_signal, nullptr);
  ::sigaction(SIGTERM, &on_signal, nullptr);

  // Listening TCP sockets carry the top bit in their epoll id; the rest is the descriptor.
  constexpr std::uint64_t listening = std::uint64_t{1} << 63;
  const int epoll = ::epoll_create1(EPOLL_CLOEXEC);
  for (long i = 0; i < count; ++i) {
    const int fd = bound_socket(type, host, static_cast<std::uint16_t>(base + i));
    watch(epoll, fd, static_cast<std::uint64_t>(fd) | (type == SOCK_STREAM ? listening : 0));
  }

  // As mixmatrixd reads: up to 32 datagrams a call, 64 KiB a TCP read.
  constexpr std::size_t batch = 32;
  constexpr std::size_t datagram_bytes = 2048;
  std::vector<char> space(batch * datagram_bytes);
  std::array<iovec, batch> iov{};
  std::array<mmsghdr, batch> messages{};
  for (std::size_t k = 0; k < batch; ++k) {
    iov[k] = {space.data() + k * datagram_bytes, datagram_bytes};
    messages[k].msg_hdr.msg_iov = &iov[k];
    messages[k].msg_hdr.msg_iovlen = 1;
  }
  std::vector<char> inbox(1 << 16);
  std::array<epoll_event, 256> events{};
  std::uint64_t bytes = 0, reads = 0, datagrams = 0, connections = 0, refused = 0;
  while (!stop_requested) {
    const int n = ::epoll_wait(epoll, events.data(), static_cast<int>(events.size()), 100);
    for (int e = 0; e < n; ++e) {
      const std::uint64_t id = events[static_cast<std::size_t>(e)].data.u64;
      const int fd = static_cast<int>(id & ~listening);
      if (id & listening) {
        const int connection = ::accept4(fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (connection >= 0) {
          watch(epoll, connection, static_cast<std::uint64_t>(connection));
          ++connections;
        } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
          ++refused;  // out of descriptors, say: printed, as it would make the floor spin
        }
      } else if (type == SOCK_DGRAM) {
        for (;;) {
          const int got = ::recvmmsg(fd, messages.data(), batch, MSG_DONTWAIT, nullptr);
          if (got <= 0) break;
          ++reads;
          datagrams += static_cast<std::uint64_t>(got);
          for (int k = 0; k < got; ++k) bytes += messages[static_cast<std::size_t>(k)].msg_len;
          if (static_cast<std::size_t>(got) < batch) break;
        }
      } else {
        const ssize_t got = ::recv(fd, inbox.data(), inbox.size(), 0);
        ++reads;
        if (got > 0) {
          bytes += static_cast<std::uint64_t>(got);
        } else if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
          ::epoll_ctl(epoll, EPOLL_CTL_DEL, fd, nullptr);
          ::close(fd);
        }
      }
    }
  }
  std::printf(
      "floor=%s count=%ld connections=%llu accept_failures=%llu reads=%llu datagrams=%llu bytes=%llu\n",
      type == SOCK_STREAM ? "tcp" : "udp", count, static_cast<unsigned long long>(connections),
      static_cast<unsigned long long>(refused), static_cast<unsigned long long>(reads),
      static_cast<unsigned long long>(datagrams), static_cast<unsigned long long>(bytes));
  return 0;
}
