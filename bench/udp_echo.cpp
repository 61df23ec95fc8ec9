// udp_echo: the floor under any latency over loopback on this machine. One thread sends a datagram
// every --interval-ms on absolute deadlines; another, blocked in recv(), sends it straight back; the
// first times the round trip (two wakeups and two trips through the kernel: what a mixer's input and
// output cost at the least). Prints one line of key=value pairs. Figures, not asserts.
//
//   udp_echo [--seconds S] [--interval-ms MS]

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

int bound_socket(sockaddr_in& address) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::perror("udp_echo: socket");
    std::exit(1);
  }
  return fd;
}

double percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0.0;
  const auto at = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(at), values.end());
  return values[at];
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 10.0;
  int interval_ms = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--seconds") {
      seconds = std::atof(argv[i + 1]);
    } else if (flag == "--interval-ms") {
      interval_ms = std::max(1, std::atoi(argv[i + 1]));
    } else {
      std::fprintf(stderr, "usage: udp_echo [--seconds S] [--interval-ms MS]\n");
      return 2;
    }
  }
  sockaddr_in echo_address{};
  sockaddr_in client_address{};
  const int echo = bound_socket(echo_address);
  const int client = bound_socket(client_address);
  std::thread echoer([&] {
    char packet[64];
    for (;;) {
      sockaddr_in from{};
      socklen_t length = sizeof from;
      const ssize_t n =
          ::recvfrom(echo, packet, sizeof packet, 0, reinterpret_cast<sockaddr*>(&from), &length);
      if (n <= 0) return;
      if (n == 1) return;  // the end
      ::sendto(echo, packet, static_cast<std::size_t>(n), 0, reinterpret_cast<sockaddr*>(&from), length);
    }
  });
  std::vector<double> trips;
  const auto start = clock_type::now();
  const auto interval = std::chrono::milliseconds(interval_ms);
  for (auto due = start; due - start < std::chrono::duration<double>(seconds); due += interval) {
    std::this_thread::sleep_until(due);
    const auto sent = clock_type::now();
    const std::int64_t stamp = sent.time_since_epoch().count();
    ::sendto(client, &stamp, sizeof stamp, 0, reinterpret_cast<sockaddr*>(&echo_address),
             sizeof echo_address);
    std::int64_t back = 0;
    if (::recv(client, &back, sizeof back, 0) != static_cast<ssize_t>(sizeof back) || back != stamp) continue;
    trips.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - sent).count());
  }
  const char end = 0;
  ::sendto(client, &end, 1, 0, reinterpret_cast<sockaddr*>(&echo_address), sizeof echo_address);
  echoer.join();
  ::close(echo);
  ::close(client);
  const double p50 = percentile(trips, 0.50);
  const double p99 = percentile(trips, 0.99);
  const double most = trips.empty() ? 0.0 : *std::max_element(trips.begin(), trips.end());
  std::printf("trips=%zu echo_p50_ms=%.3f echo_p99_ms=%.3f echo_max_ms=%.3f\n", trips.size(), p50, p99, most);
  return 0;
}
