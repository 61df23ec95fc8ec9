#include "tests/support/paced_sender.hpp"

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>

#include <chrono>

#include "tests/support/tcp_client.hpp"

namespace mixmatrix::test {

paced_sender::paced_sender(std::uint16_t port, std::string pcm, std::string handshake, double ppm,
                           std::size_t chunk_frames)
    : thread_([this, port, pcm = std::move(pcm), handshake = std::move(handshake), ppm, chunk_frames] {
        run(port, pcm, handshake, ppm, chunk_frames);
      }) {}

paced_sender::~paced_sender() {
  stop_ = true;
  thread_.join();
}

void paced_sender::run(std::uint16_t port, const std::string& pcm, const std::string& handshake, double ppm,
                       std::size_t chunk_frames) {
  // As a sound source's driver runs, where allowed (real time, else nice -10): a build beside a test
  // cannot starve it. (Both are a thread's own on Linux.)
  const sched_param realtime{.sched_priority = 10};
  if (::pthread_setschedparam(::pthread_self(), SCHED_FIFO, &realtime) != 0)
    ::setpriority(PRIO_PROCESS, 0, -10);
  tcp_client client(port);
  if (!handshake.empty()) client.send(handshake);
  const double chunk_ns = 1e9 * static_cast<double>(chunk_frames) / 44100.0 / (1.0 + ppm * 1e-6);
  const auto start = std::chrono::steady_clock::now();
  std::string bytes(chunk_frames * 4, '\0');
  for (std::size_t at = 0, sent = 0; !stop_;) {
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
}

}  // namespace mixmatrix::test
