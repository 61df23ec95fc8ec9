#include "tests/support/paced_sender.hpp"

#include <chrono>

#include "tests/support/tcp_client.hpp"

namespace mixmatrix::test {

paced_sender::paced_sender(std::uint16_t port, std::string pcm, std::string handshake) {
  thread_ = std::thread([this, port, pcm = std::move(pcm), handshake = std::move(handshake)] {
    tcp_client client(port);
    if (!handshake.empty()) client.send(handshake);
    constexpr std::size_t chunk = 441 * 4;  // 10 ms
    auto deadline = std::chrono::steady_clock::now();
    for (std::size_t at = 0; !stop_; at = (at + chunk) % pcm.size()) {
      if (!client.send(std::string_view(pcm).substr(at, chunk))) return;
      deadline += std::chrono::milliseconds(10);
      std::this_thread::sleep_until(deadline);
    }
  });
}

paced_sender::~paced_sender() {
  stop_ = true;
  thread_.join();
}

}  // namespace mixmatrix::test
