#include "tests/support/paced_sender.hpp"

#include <chrono>

#include "tests/support/tcp_client.hpp"

namespace mixmatrix::test {

paced_sender::paced_sender(std::uint16_t port, std::string pcm, std::string handshake, double ppm,
                           std::size_t chunk_frames) {
  thread_ =
      std::thread([this, port, pcm = std::move(pcm), handshake = std::move(handshake), ppm, chunk_frames] {
        tcp_client client(port);
        if (!handshake.empty()) client.send(handshake);
        const std::size_t chunk = chunk_frames * 4;
        const double chunk_ns = 1e9 * static_cast<double>(chunk_frames) / 44100.0 / (1.0 + ppm * 1e-6);
        const auto start = std::chrono::steady_clock::now();
        std::size_t sent = 0;
        std::string bytes(chunk, '\0');
        for (std::size_t at = 0; !stop_;) {
          for (char& b : bytes) {  // the next chunk of the endless loop of `pcm`
            b = pcm[at];
            at = (at + 1) % pcm.size();
          }
          if (!client.send(bytes)) return;
          ++sent;
          const auto due =
              std::chrono::nanoseconds(static_cast<std::int64_t>(static_cast<double>(sent) * chunk_ns));
          std::this_thread::sleep_until(start + due);
        }
      });
}

paced_sender::~paced_sender() {
  stop_ = true;
  thread_.join();
}

}  // namespace mixmatrix::test
