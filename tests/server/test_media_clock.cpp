// docs/PROTOCOL.md §8, the AES67 media clock: two servers receiving one stream with the same link
// offset (`playout media`) play it at the same moment, whatever the network delayed it by.

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <deque>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/audio_analysis.hpp"
#include "tests/support/paced_sender.hpp"
#include "tests/support/sanitizers.hpp"
#include "tests/support/tcp_client.hpp"
#include "tests/support/test_server.hpp"
#include "tests/support/udp_socket.hpp"

using namespace mixmatrix::test;
using namespace std::chrono_literals;

namespace {
using clock_type = std::chrono::steady_clock;
constexpr double rate = 48000;
constexpr std::size_t frame_bytes = 4;  // what LISTEN gets: s16le stereo

// Forwards every datagram from its own port to `to_port` `delay` after it came, its RTP timestamp
// `shift` frames later (as a sender whose SDP says a=mediaclk:direct=shift stamps it).
class delaying_relay {
 public:
  delaying_relay(std::uint16_t to_port, std::chrono::microseconds delay, std::uint32_t shift)
      : to_port_(to_port), delay_(delay), shift_(shift) {
    thread_ = std::thread([this] { run(); });
  }
  ~delaying_relay() {
    stop_ = true;
    thread_.join();
  }
  std::uint16_t port() const { return socket_.port(); }

 private:
  void run() {
    std::deque<std::pair<clock_type::time_point, std::string>> queue;
    while (!stop_) {
      while (auto d = socket_.receive(0ms))
        queue.emplace_back(clock_type::now() + delay_, shifted(std::move(*d)));
      while (!queue.empty() && queue.front().first <= clock_type::now()) {
        socket_.send_to(to_port_, queue.front().second);
        queue.pop_front();
      }
      // Looks again within 200 us: a receive's own timeout is whole milliseconds.
      if (queue.empty()) {
        if (auto d = socket_.receive(1ms))
          queue.emplace_back(clock_type::now() + delay_, shifted(std::move(*d)));
      } else {
        std::this_thread::sleep_until(std::min(queue.front().first, clock_type::now() + 200us));
      }
    }
  }

  std::string shifted(std::string packet) const {
    if (packet.size() < 12) return packet;
    std::uint32_t t = 0;
    for (int i = 4; i < 8; ++i) t = t << 8 | static_cast<std::uint8_t>(packet[static_cast<std::size_t>(i)]);
    t += shift_;
    for (int i = 7; i >= 4; --i, t >>= 8) packet[static_cast<std::size_t>(i)] = static_cast<char>(t & 0xff);
    return packet;
  }

  udp_socket socket_;
  std::uint16_t to_port_;
  std::chrono::microseconds delay_;
  std::uint32_t shift_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A listener's stream on the wall clock: each frame's time is the stream's origin (the earliest
// `arrival - frames so far`: a read is never early, only late) plus its index over the rate.
struct timed_stream {
  std::string pcm;
  double origin = 1e300;  // seconds
};

timed_stream read_timed(tcp_client& listener, std::chrono::milliseconds duration) {
  timed_stream s;
  const auto start = clock_type::now();
  while (clock_type::now() - start < duration) {
    const std::string got = listener.read_exact(256 * frame_bytes, 100ms);
    if (got.empty()) continue;
    const double now = std::chrono::duration<double>(clock_type::now().time_since_epoch()).count();
    s.pcm += got;
    s.origin = std::min(s.origin, now - static_cast<double>(s.pcm.size() / frame_bytes) / rate);
  }
  return s;
}

// Wall-clock seconds of each impulse (a peak of the left channel well above the rest).
std::vector<double> impulse_times(const timed_stream& s) {
  const auto left = channel_samples(s.pcm, 0);
  std::vector<double> times;
  for (std::size_t i = 1; i + 1 < left.size(); ++i) {
    if (std::abs(left[i]) > 8000 && std::abs(left[i]) >= std::abs(left[i - 1]) &&
        std::abs(left[i]) > std::abs(left[i + 1])) {
      const double t = s.origin + static_cast<double>(i) / rate;
      if (times.empty() || t - times.back() > 0.1) times.push_back(t);
    }
  }
  return times;
}

// One impulse every 250 ms at 44.1 kHz, as the sender sends it.
std::string impulse_train() {
  std::string pcm(11025 * 4, '\0');
  const std::int16_t peak = 30000;
  std::memcpy(pcm.data(), &peak, 2);
  std::memcpy(pcm.data() + 2, &peak, 2);
  return pcm;
}

// Input `x` of `server` receives RTP as `how` says (rtp ADDR:PORT ..., sdp PATH) at its timestamps
// plus 40 ms, alone in mix `hear`.
void receive_at_timestamps(test_server& server, const std::string& how) {
  const auto r = server.command("input add x " + how + " playout media 40");
  REQUIRE_MESSAGE(r.ok(), r.status);
  REQUIRE(server.command("mix add hear").ok());
  REQUIRE(server.command("route hear x").ok());
}
}  // namespace

TEST_CASE(
    "rtp: two servers play one AES67 stream at its timestamps plus the same offset, within 1.5 ms, one of "
    "them 4 ms further away and told by SDP of a media clock offset") {
  const std::vector<std::string> at_48k{"--rate", "48000"};
  test_server a(at_48k), b(at_48k), c(at_48k);
  const auto to_b = free_port(), to_c = free_port();
  // C's copy also comes with its timestamps 25.7 s later, as its SDP says: played as they are,
  // its audio would be due 25.7 s from now, not with B's.
  constexpr std::uint32_t shift = 1234567;
  delaying_relay relay(to_c, 4ms, shift);
  const std::string sdp_path = temp_dir() + "/for_c.sdp";
  std::ofstream(sdp_path)
      << ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=for_c\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio " +
          std::to_string(to_c) +
          " RTP/AVP 97\r\na=rtpmap:97 L24/48000/2\r\na=ptime:1\r\na=ts-refclk:local\r\n"
          "a=mediaclk:direct=" +
          std::to_string(shift) + "\r\n");
  receive_at_timestamps(b, "rtp 127.0.0.1:" + std::to_string(to_b) + " format L24 48000 2");
  receive_at_timestamps(c, "sdp " + sdp_path);
  // A: impulses into two AES67 streams (L24 at 48 kHz: timestamps from the system clock), one to
  // B, one through the relay to C.
  REQUIRE(a.command("input add clicks").ok());
  REQUIRE(a.command("mix add for_b rtp 127.0.0.1:" + std::to_string(to_b) + " format L24 ptime 1").ok());
  REQUIRE(
      a.command("mix add for_c rtp 127.0.0.1:" + std::to_string(relay.port()) + " format L24 ptime 1").ok());
  REQUIRE(a.command("route for_b clicks").ok());
  REQUIRE(a.command("route for_c clicks").ok());
  paced_sender sender(a.stream_port, impulse_train(), "SEND clicks\n");
  REQUIRE(b.wait_settled("x"));
  REQUIRE(c.wait_settled("x"));
  const std::string show_b = b.command("show x").data.at(0);
  CHECK(show_b.find(" playout=media offset_ms=40 ") != std::string::npos);

  auto listen_b = b.listen("hear");
  auto listen_c = c.listen("hear");
  timed_stream heard_b, heard_c;
  std::thread reader([&] { heard_c = read_timed(listen_c, 4s); });
  heard_b = read_timed(listen_b, 4s);
  reader.join();
  const auto at_b = impulse_times(heard_b), at_c = impulse_times(heard_c);
  REQUIRE(at_b.size() >= 12);
  REQUIRE(at_c.size() >= 12);
  std::vector<double> apart;  // ms, C's impulse after B's
  for (const double t : at_b) {
    const auto nearest = std::min_element(
        at_c.begin(), at_c.end(), [t](double x, double y) { return std::abs(x - t) < std::abs(y - t); });
    if (std::abs(*nearest - t) < 0.1) apart.push_back((*nearest - t) * 1000);
  }
  REQUIRE(apart.size() >= 12);
  std::sort(apart.begin(), apart.end());
  const double median = apart[apart.size() / 2];
  MESSAGE("C plays " << median << " ms after B (median of " << apart.size() << " impulses; from "
                     << apart.front() << " to " << apart.back() << " ms); B: " << show_b);
  if (sanitized_build) return;  // a sanitized reader's wake-ups are no clock
  CHECK(std::abs(median) < 1.5);
  // The relay's 4 ms are in C's buffer, not in its output: it holds that much less. Sampled every
  // 11 ms, which walks through the phase of both engines' blocks (a level is a sawtooth of a block).
  constexpr int samples = 96;
  double buffered_b = 0, buffered_c = 0;
  for (int i = 0; i < samples; ++i) {
    buffered_b += show_field(b.command("show x").data.at(0), "buffered_ms");
    buffered_c += show_field(c.command("show x").data.at(0), "buffered_ms");
    std::this_thread::sleep_for(11ms);
  }
  MESSAGE("buffered: B " << buffered_b / samples << " ms, C " << buffered_c / samples << " ms");
  CHECK((buffered_b - buffered_c) / samples == doctest::Approx(4.0).epsilon(0.35));
}
