// Broadcast mixing end to end: the real mixmatrixd, callers and a voice fed over raw input ports in
// real time, mixes listened to on raw mix ports.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <numbers>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/audio_analysis.hpp"
#include "tests/support/paced_sender.hpp"
#include "tests/support/tcp_client.hpp"
#include "tests/support/test_server.hpp"

using namespace mixmatrix::test;
using namespace std::chrono_literals;

namespace {

// Waits until each input plays with its level at rest (no trim under way: every tone at its pitch).
void wait_settled(test_server& server, const std::vector<std::string>& names) {
  for (const auto& name : names) REQUIRE_MESSAGE(server.wait_settled(name), name);
}

// What each of `ports` sends over the same `duration`, read side by side.
std::vector<std::string> listen_together(const std::vector<std::uint16_t>& ports,
                                         std::chrono::milliseconds duration) {
  std::vector<std::unique_ptr<tcp_client>> clients;
  for (auto port : ports) clients.push_back(std::make_unique<tcp_client>(port));
  std::vector<std::string> heard(ports.size());
  std::vector<std::thread> readers;
  for (std::size_t i = 0; i < ports.size(); ++i) {
    readers.emplace_back([&, i] { heard[i] = clients[i]->read_for(duration); });
  }
  for (auto& t : readers) t.join();
  return heard;
}

// The level of `hz` in `samples` over [from, from + frames), in dBFS.
double level_at(const std::vector<double>& samples, double hz, std::ptrdiff_t from, std::ptrdiff_t frames) {
  from = std::clamp<std::ptrdiff_t>(from, 0, static_cast<std::ptrdiff_t>(samples.size()) - frames);
  return tone_dbfs(std::vector<double>(samples.begin() + from, samples.begin() + from + frames), 44100, hz);
}

}  // namespace

TEST_CASE(
    "mix-minus: three callers over the network, each caller's feed holds the other two, not their own") {
  struct caller {
    std::string name;
    double hz;
    double amplitude;  // of full scale
    double gain_db;    // into MAIN
  };
  const std::vector<caller> callers{{"C1", 400, 0.25, -2}, {"C2", 700, 0.2, 0}, {"C3", 1100, 0.3, -4}};
  test_server server;
  std::vector<std::uint16_t> ports{free_port()};
  REQUIRE(server.command("mix add MAIN port " + std::to_string(ports[0])).ok());
  std::vector<std::unique_ptr<paced_sender>> senders;
  std::vector<std::string> names;
  for (const auto& c : callers) {
    const auto in_port = free_port();
    REQUIRE(server.command("input add " + c.name + " port " + std::to_string(in_port) + " latency 60").ok());
    REQUIRE(server.command("route MAIN " + c.name + " " + std::to_string(c.gain_db)).ok());
    ports.push_back(free_port());
    REQUIRE(server
                .command("mix add " + c.name + "_FEED minus MAIN " + c.name + " port " +
                         std::to_string(ports.back()))
                .ok());
    senders.push_back(std::make_unique<paced_sender>(in_port, sine_pcm(c.hz, c.amplitude, 1.0)));
    names.push_back(c.name);
  }
  CHECK(server.command("list").data.at(1) ==
        "mix C1_FEED state=on of=MAIN minus=C1 sources=2 listeners=0 port=" + std::to_string(ports[1]));
  wait_settled(server, names);
  const auto heard = listen_together(ports, 2500ms);
  for (std::size_t i = 0; i < ports.size(); ++i) {
    const std::string who = i == 0 ? "MAIN" : callers[i - 1].name + "_FEED";
    CAPTURE(who);
    REQUIRE(heard[i].size() > 44100 * 4 * 2);
    const auto left = channel_samples(heard[i].substr(heard[i].size() - 44100 * 4), 0);
    for (std::size_t c = 0; c < callers.size(); ++c) {
      CAPTURE(callers[c].name);
      // sine_pcm's peak is 32767 x amplitude; tone_dbfs is relative to 32768.
      const double expected = 20 * std::log10(callers[c].amplitude * 32767 / 32768) + callers[c].gain_db;
      const double got = tone_dbfs(left, 44100, callers[c].hz);
      if (i == c + 1) {
        CHECK(got < expected - 60);  // the caller's own voice is taken out
        MESSAGE(who << ": own tone at " << got << " dBFS, " << expected - got
                    << " dB below its level in MAIN");
      } else {
        CHECK(got == doctest::Approx(expected).epsilon(0.3 / 15));
      }
    }
  }
}

TEST_CASE("ducking: a music bed under a voice fed over the network drops by the depth and comes back") {
  const auto voice_port = free_port();
  const auto mix_port = free_port();
  test_server server;
  REQUIRE(server.command("input add BED tone 200 -10").ok());
  REQUIRE(server.command("input add VOICE port " + std::to_string(voice_port) + " latency 60").ok());
  REQUIRE(server.command("mix add M port " + std::to_string(mix_port)).ok());
  REQUIRE(server.command("route M BED").ok());
  REQUIRE(server.command("route M VOICE").ok());
  REQUIRE(server.command("duck M VOICE").ok());  // -15 dB, -40 dBFS, 20 ms, 500 ms
  // The voice: a second of digital silence, then a second of 2 kHz at -12 dBFS, again and again.
  const std::string voice = std::string(44100 * 4, '\0') + sine_pcm(2000, 0.25, 1.0);
  paced_sender sender(voice_port, voice);
  wait_settled(server, {"VOICE"});
  const std::string heard = listen_together({mix_port}, 4500ms)[0];
  const auto left = channel_samples(heard, 0);
  REQUIRE(left.size() > 44100 * 4);
  // Where the voice starts and stops in what was heard, to a few ms: its 2 kHz in 2.5 ms windows.
  const auto talking = [&](std::ptrdiff_t at) { return level_at(left, 2000, at, 110) > -30; };
  std::ptrdiff_t onset = -1;
  std::ptrdiff_t offset = -1;
  for (std::ptrdiff_t at = 4410; at + 110 < static_cast<std::ptrdiff_t>(left.size()); at += 55) {
    if (onset < 0 && !talking(at - 55) && talking(at)) onset = at;
    if (onset >= 0 && talking(at - 55) && !talking(at)) {
      offset = at;
      break;
    }
  }
  REQUIRE(onset > 0);
  REQUIRE(offset > onset);
  REQUIRE(offset + 44100 * 6 / 10 < static_cast<std::ptrdiff_t>(left.size()));
  MESSAGE("voice heard from frame " << onset << " to " << offset);
  const auto bed = [&](double ms_from_onset, std::ptrdiff_t origin) {
    return level_at(left, 200, origin + static_cast<std::ptrdiff_t>(ms_from_onset * 44.1), 882);  // 20 ms
  };
  // 20 ms windows: before the voice; from attack + a block on; well into it; half-way through the
  // release (linear in dB, after the 10 ms hold); after it.
  CHECK(bed(-30, onset) == doctest::Approx(-10).epsilon(0.05));
  CHECK(bed(0, onset) > -22);  // not a step: still on its way down
  CHECK(bed(20 + 6, onset) == doctest::Approx(-25).epsilon(0.04));
  CHECK(bed(500, onset) == doctest::Approx(-25).epsilon(0.04));
  CHECK(bed(-30, offset) == doctest::Approx(-25).epsilon(0.04));
  CHECK(bed(10 + 250 - 10, offset) == doctest::Approx(-17.5).epsilon(0.1));
  CHECK(bed(10 + 500 + 12, offset) == doctest::Approx(-10).epsilon(0.05));
  // The voice itself is never ducked.
  CHECK(level_at(left, 2000, onset + 4410, 4410) ==
        doctest::Approx(20 * std::log10(0.25 * 32767 / 32768)).epsilon(0.02));
  MESSAGE("bed before " << bed(-30, onset) << ", ducked " << bed(500, onset) << ", half-released "
                        << bed(250, offset) << ", back " << bed(522, offset) << " dBFS");
}

TEST_CASE("pan over the server: +-50 puts the far channel at -3.01 dB, +-100 silences it") {
  const auto mix_port = free_port();
  test_server server;
  REQUIRE(server.command("input add T tone 1000 -6").ok());
  REQUIRE(server.command("mix add M port " + std::to_string(mix_port)).ok());
  REQUIRE(server.command("route M T").ok());
  struct expected {
    int position;
    double left_db;
    double right_db;
  };
  const double far = 20 * std::log10(std::cos(std::numbers::pi / 4));  // -3.01
  for (const expected& e : {expected{50, -6 + far, -6}, expected{-50, -6, -6 + far}, expected{100, -200, -6},
                            expected{-100, -6, -200}}) {
    CAPTURE(e.position);
    REQUIRE(server.command("pan M T " + std::to_string(e.position)).ok());
    CHECK(server.command("show M").data.at(1) ==
          "route T gain=0.00 muted=no pan=" + std::to_string(e.position));
    // A new listener starts at the next block, after the change: it hears the new pan (once the
    // 5 ms ramp is over), however late a slow (sanitized) build delivers it.
    tcp_client listener(mix_port);
    listener.read_exact(44100 * 4 / 20, 2s);
    const std::string pcm = listener.read_exact(44100 * 4 / 2, 2s);
    REQUIRE(pcm.size() == 44100 * 4 / 2);
    for (int c = 0; c < 2; ++c) {
      const double want = c == 0 ? e.left_db : e.right_db;
      const auto samples = channel_samples(pcm, c);
      if (want < -100) {
        CHECK(std::all_of(samples.begin(), samples.end(), [](double s) { return s == 0; }));
      } else {
        CHECK(tone_dbfs(samples, 44100, 1000) == doctest::Approx(want).epsilon(0.01));
      }
    }
  }
}
