// Ingest-to-egress latency of a running mixmatrixd: a real-time sender feeds input IN (SEND, 10 ms
// chunks on absolute deadlines) with an impulse every 250 ms; a listener on mix OUT (LISTEN) timestamps
// each impulse's arrival. Prints p50, p99 and max, and the input's jitter-buffer state afterwards.
//
//   latency_probe [--block FRAMES] [--latency MS] [--seconds S] [-- extra mixmatrixd flags]

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/child_process.hpp"
#include "tests/support/tcp_client.hpp"

using namespace mixmatrix::test;
using clock_type = std::chrono::steady_clock;

namespace {

std::string command(tcp_client& control, const std::string& line) {
  control.send(line + "\n");
  std::string reply;
  while (auto l = control.read_line(std::chrono::seconds(5))) {
    reply += *l + "\n";
    if (l->starts_with("OK") || l->starts_with("ERR")) break;
  }
  return reply;
}

}  // namespace

int main(int argc, char** argv) {
  std::string block = "256";
  std::string latency = "20";
  int seconds = 10;
  std::vector<std::string> extra;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--block" && i + 1 < argc) {
      block = argv[++i];
    } else if (a == "--latency" && i + 1 < argc) {
      latency = argv[++i];
    } else if (a == "--seconds" && i + 1 < argc) {
      seconds = std::stoi(argv[++i]);
    } else if (a == "--") {
      extra.assign(argv + i + 1, argv + argc);
      break;
    } else {
      std::fprintf(stderr, "usage: latency_probe [--block FRAMES] [--latency MS] [--seconds S] [-- FLAGS]\n");
      return 2;
    }
  }
  const auto control_port = free_port();
  const auto stream_port = free_port();
  std::vector<std::string> server_argv{MIXMATRIXD_PATH, "--control", "127.0.0.1:" + std::to_string(control_port),
                                       "--stream", "127.0.0.1:" + std::to_string(stream_port), "--block", block,
                                       "--latency", latency, "--log-level", "warn"};
  server_argv.insert(server_argv.end(), extra.begin(), extra.end());
  child_process server(server_argv);
  std::unique_ptr<tcp_client> control;
  for (int attempt = 0; attempt < 200 && !control; ++attempt) {
    try {
      control = std::make_unique<tcp_client>(control_port);
    } catch (const std::exception&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  if (!control) return 1;
  control->read_line(std::chrono::seconds(5));
  command(*control, "input add IN");
  command(*control, "mix add OUT");
  command(*control, "route OUT IN");

  tcp_client listener(stream_port);
  listener.send("LISTEN OUT\n");
  listener.read_line(std::chrono::seconds(5));
  tcp_client sender(stream_port);
  sender.send("SEND IN\n");
  sender.read_line(std::chrono::seconds(5));

  constexpr int chunk_frames = 441;  // 10 ms
  constexpr int impulse_every = 25;  // chunks
  const int chunks = seconds * 100;
  std::vector<clock_type::time_point> sent(static_cast<std::size_t>(chunks / impulse_every + 1));
  std::atomic<int> impulses_sent{0};
  std::thread feeder([&] {
    std::string pcm(chunk_frames * 4, '\0');
    auto deadline = clock_type::now();
    for (int n = 0; n < chunks; ++n) {
      const bool impulse = n % impulse_every == impulse_every / 2;
      const std::int16_t level = impulse ? 20000 : 0;
      std::memcpy(pcm.data(), &level, 2);
      std::memcpy(pcm.data() + 2, &level, 2);
      if (impulse) sent[static_cast<std::size_t>(impulses_sent)] = clock_type::now();
      sender.send(pcm);
      if (impulse) ++impulses_sent;
      deadline += std::chrono::milliseconds(10);
      std::this_thread::sleep_until(deadline);
    }
  });
  std::vector<double> latencies;
  std::size_t heard = 0;
  const auto end = clock_type::now() + std::chrono::seconds(seconds) + std::chrono::milliseconds(500);
  while (clock_type::now() < end) {
    const std::string bytes = listener.read_for(std::chrono::milliseconds(1));
    const auto now = clock_type::now();
    for (std::size_t at = 0; at + 4 <= bytes.size(); at += 4) {
      if (bytes.compare(at, 4, std::string(4, '\0')) == 0) continue;
      if (heard < static_cast<std::size_t>(impulses_sent)) {
        latencies.push_back(std::chrono::duration<double, std::milli>(now - sent[heard]).count());
      }
      ++heard;
    }
  }
  feeder.join();
  if (latencies.size() > 2) latencies.erase(latencies.begin(), latencies.begin() + 2);  // the buffer settling
  std::sort(latencies.begin(), latencies.end());
  auto at = [&](double q) {
    return latencies.empty() ? 0.0 : latencies[static_cast<std::size_t>(q * static_cast<double>(latencies.size() - 1))];
  };
  std::printf("block %s, latency target %s ms: %zu impulses, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", block.c_str(),
              latency.c_str(), latencies.size(), at(0.5), at(0.99), latencies.empty() ? 0.0 : latencies.back());
  std::printf("%s", command(*control, "show IN").c_str());
  server.signal(15);
  server.wait(std::chrono::seconds(5));
  return 0;
}
