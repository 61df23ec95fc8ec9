#include "tests/support/paced_sender.hpp"

#include <chrono>

#include "tests/support/tcp_client.hpp"

namespace mixmatrix::test {

paced_sender::paced_sender(std::uint16_t port, std::string pcm, std::string handshake, double ppm) {
  thread_ = std::thread([this, port, pcm = std::move(pcm), handshake = std::move(handshake), ppm] {
    tcp_client client(port);
    if (!handshake.empty()) client.send(handshake);
    constexpr std::size_t chunk = 441 * 4;  // 10 ms
    const double chunk_ns = 1e7 / (1.0 + ppm * 1e-6);
    const auto start = std::chrono::steady_clock::now();
    std::size_t sent = 0;
    for (std::size_t at = 0; !stop_; at = (at + chunk) % pcm.size()) {
      if (!client.send(std::string_view(pcm).substr(at, chunk))) return;
      ++sent;
      const auto due = std::chrono::nanoseconds(static_cast<std::int64_t>(static_cast<double>(sent) * chunk_ns));
      std::this_thread::sleep_until(start + due);
    }
  });
}

paced_sender::~paced_sender() {
  stop_ = true;
  thread_.join();
}

}  // namespace mixmatrix::test
