#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

#include "mixer/input_channel.hpp"

using namespace mixmatrix::mixer;

namespace {

// A sender with its own crystal, `ppm` off ours, sending a sine in packets of `packet` frames
// (jittered by up to `jitter_ms`), into an input rendered block by block on the engine's clock:
// simulated time, so minutes take moments and nothing depends on the machine.
struct simulation {
  simulation(double offset_ppm, std::size_t packet_frames = 441, double jitter_ms = 1.0, unsigned seed = 1)
      : input("in", config, 20), ppm(offset_ppm), packet(packet_frames), jitter(jitter_ms / 1000.0), random(seed) {
    input.attach_sender("sim");
  }

  // Runs `seconds` of engine time; returns the worst break of the sine (see below) in LSB.
  double run(double seconds) {
    const auto blocks = static_cast<std::size_t>(seconds * config.rate / config.block_frames);
    std::vector<std::int16_t> block(config.block_samples());
    double worst = 0.0;
    for (std::size_t b = 0; b < blocks; ++b) {
      const double now = static_cast<double>(ticks++) * config.block_frames / config.rate;
      // Packets the sender has sent by now (its clock runs at 1 + ppm), each arriving late by a
      // jitter; in order, as TCP delivers them.
      while (next_arrival() <= now) send_packet();
      input.render(block);
      if (input.playing()) worst = std::max(worst, track(block));
      levels.push_back(static_cast<double>(input.ring().readable()) / 4.0 / config.rate * 1000.0);
    }
    return worst;
  }

  // `n` packets more at once, before the first: what a sender had queued before it connected.
  void send_ahead(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) send_packet();
    ahead += n;
  }

  double next_arrival() {
    if (!arrival_pending) {
      const double sent = static_cast<double>(packets - ahead) * static_cast<double>(packet) /
                          (config.rate * (1.0 + ppm * 1e-6));
      arrival = std::max(arrival, sent + std::uniform_real_distribution<double>(0.0, jitter)(random));
      arrival_pending = true;
    }
    return arrival;
  }

  void send_packet() {
    std::vector<std::int16_t> pcm(2 * packet);
    for (std::size_t i = 0; i < packet; ++i) {
      const double v = amplitude * std::sin(omega * static_cast<double>(sent_frames + i));
      pcm[2 * i] = pcm[2 * i + 1] = static_cast<std::int16_t>(std::lround(v));
    }
    sent_frames += packet;
    const auto bytes = std::as_bytes(std::span(pcm));
    REQUIRE(input.ring().write(bytes) == bytes.size());
    input.counters().bytes_in.fetch_add(bytes.size());
    input.note_arrival(bytes.size(), arrival);
    ++packets;
    arrival_pending = false;
  }

  // A sine obeys x[n+1] + x[n-1] = 2 cos(w) x[n]: what is left over is rounding and the loop's
  // slow change of rate (well under a few LSB), or a break in the wave (dropped, repeated or
  // silent frames: hundreds of LSB).
  double track(const std::vector<std::int16_t>& block) {
    double worst = 0.0;
    for (std::size_t i = 0; i < block.size(); i += 2) {
      const double x = block[i];
      if (have_two) worst = std::max(worst, std::abs(x + before - 2 * std::cos(omega) * last));
      before = last;
      last = x;
      have_two = have_one;
      have_one = true;
    }
    return worst;
  }

  // The mean level over the last `seconds`, and how far it strayed from that.
  double mean_level(double seconds) const {
    const auto n = static_cast<std::size_t>(seconds * config.rate / config.block_frames);
    double sum = 0;
    for (std::size_t i = levels.size() - n; i < levels.size(); ++i) sum += levels[i];
    return sum / static_cast<double>(n);
  }

  engine_config config;
  input_channel input;
  double ppm;
  std::size_t packet;
  double jitter;
  std::mt19937 random;
  const double amplitude = 16000.0;
  const double omega = 2 * std::numbers::pi * 997.0 / 44100.0;
  std::size_t ticks = 0;
  std::size_t packets = 0;
  std::size_t ahead = 0;
  std::size_t sent_frames = 0;
  double arrival = 0.0;
  bool arrival_pending = false;
  double last = 0, before = 0;
  bool have_one = false, have_two = false;
  std::vector<double> levels;  // ms buffered after each block
};

}  // namespace

TEST_CASE("a sender's clock is followed: no break in the wave, the level held, the offset measured") {
  for (const double ppm : {1000.0, 500.0, 100.0, -100.0, -500.0, -1000.0}) {
    INFO(ppm << " ppm");
    simulation sim(ppm);
    const double worst = sim.run(180.0);
    CHECK(worst < 16.0);  // a single dropped frame would break it by some 2000
    CHECK(sim.input.counters().underruns == 0);
    CHECK(sim.input.counters().skipped_frames == 0);
    // Settled within 10 s: from then on each second's mean level stays within 3 ms of the level held.
    // (A 100 ppm offset takes 15 s to move the level out of the deadband: the loop, and the trim of
    // the start's margin that waits for it, act later.)
    const std::size_t per_second = sim.levels.size() / 180;
    const double held = sim.mean_level(150.0);
    for (std::size_t second = std::abs(ppm) > 100 ? 10 : 30; second < 180; ++second) {
      double sum = 0;
      for (std::size_t i = second * per_second; i < (second + 1) * per_second; ++i) sum += sim.levels[i];
      const double mean = sum / static_cast<double>(per_second);
      if (std::abs(mean - held) > 3.0) {
        FAIL_CHECK("second " << second << ": mean level " << mean << " ms, held at " << held << " ms");
        break;
      }
    }
    CHECK(sim.input.drift_ppm() == doctest::Approx(ppm).epsilon(0.10));
    CHECK(sim.input.ratio() == doctest::Approx(1.0 + ppm * 1e-6).epsilon(2e-4));
    MESSAGE(ppm << " ppm: drift_ppm " << sim.input.drift_ppm() << ", worst break " << worst << " LSB, level held at "
                << held << " ms, target " << sim.input.target_ms() << " ms");
  }
}

TEST_CASE("ffmpeg's packets of 1024 frames, jittered by 3 ms, are followed as smoothly") {
  for (const double ppm : {500.0, -500.0}) {
    INFO(ppm << " ppm");
    simulation sim(ppm, 1024, 3.0);
    const double worst = sim.run(120.0);
    CHECK(worst < 16.0);
    CHECK(sim.input.counters().underruns == 0);
    CHECK(sim.input.target_ms() > 23);  // packets longer than the 20 ms asked for: the target fits them
    CHECK(sim.input.counters().skipped_frames == 0);
    CHECK(sim.input.drift_ppm() == doctest::Approx(ppm).epsilon(0.10));
  }
}

TEST_CASE("a steady sender never underruns at its start: the target fits its packets and jitter") {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    for (const std::size_t packet : {std::size_t{441}, std::size_t{1024}, std::size_t{2048}}) {
      INFO("seed " << seed << ", packets of " << packet << " frames");
      simulation sim(seed % 2 ? 300.0 : -300.0, packet, 1.0 + seed % 4, seed);
      const double worst = sim.run(10.0);
      CHECK(sim.input.counters().underruns == 0);
      CHECK(worst < 16.0);
    }
  }
}

namespace {

// The sine's frame `n` as the simulated sender made it.
std::int16_t sent_sample(const simulation& sim, std::size_t n) {
  return static_cast<std::int16_t>(std::lround(sim.amplitude * std::sin(sim.omega * static_cast<double>(n))));
}

// Renders `seconds` more and requires every frame to be the next one the sender sent, bit for bit
// (the first block is found among the last 200 ms sent).
void require_bit_exact(simulation& sim, double seconds) {
  std::vector<std::int16_t> block(sim.config.block_samples());
  std::size_t next = 0;
  bool found = false;
  const auto blocks = static_cast<std::size_t>(seconds * sim.config.rate / sim.config.block_frames);
  for (std::size_t b = 0; b < blocks; ++b) {
    const double now = static_cast<double>(sim.ticks++) * sim.config.block_frames / sim.config.rate;
    while (sim.next_arrival() <= now) sim.send_packet();
    sim.input.render(block);
    REQUIRE(sim.input.playing());
    for (std::size_t n = sim.sent_frames - std::min<std::size_t>(sim.sent_frames, 8820);
         !found && n < sim.sent_frames; ++n) {
      found = true;
      for (std::size_t i = 0; found && i < block.size(); i += 2)
        found = block[i] == sent_sample(sim, n + i / 2);
      if (found) next = n;
    }
    REQUIRE(found);
    for (std::size_t i = 0; i < block.size(); i += 2, ++next) {
      REQUIRE(block[i] == sent_sample(sim, next));
      REQUIRE(block[i + 1] == block[i]);
    }
  }
}

}  // namespace

TEST_CASE("a sender on the engine's clock comes down from its start's margin, then plays bit for bit") {
  simulation sim(0.0, 441, 1.0);
  CHECK(sim.run(5.0) < 16.0);
  CHECK(sim.input.ratio() == 1.0);
  CHECK(sim.input.drift_ppm() == 0.0);
  require_bit_exact(sim, 120.0);
  CHECK(sim.input.counters().underruns == 0);
  CHECK(sim.input.counters().skipped_frames == 0);
}

TEST_CASE(
    "a sender that joins with 40 ms of excess reaches its target within 5 s, unbroken, then plays bit for "
    "bit") {
  for (const std::size_t packet : {std::size_t{88}, std::size_t{441}}) {
    INFO("packets of " << packet << " frames");
    simulation sim(0.0, packet, 1.0);
    sim.send_ahead(40 * 44100 / 1000 / packet);  // queued before it connected, sent at once
    const double worst = sim.run(5.0);
    CHECK(worst < 16.0);  // a trim, not a skip: the wave never breaks
    const double target = sim.input.target_ms();
    const double packet_ms = static_cast<double>(packet) * 1000.0 / 44100.0;
    const double block_ms = static_cast<double>(sim.config.block_frames) * 1000.0 / 44100.0;
    MESSAGE("level " << sim.mean_level(0.5) << " ms, target " << target << " ms");
    CHECK(std::abs(sim.mean_level(0.5) - target) <= packet_ms / 2 + block_ms);
    CHECK(sim.input.ratio() == 1.0);
    require_bit_exact(sim, 20.0);
    CHECK(sim.input.counters().underruns == 0);
    CHECK(sim.input.counters().skipped_frames == 0);
  }
}

TEST_CASE("a followed sender that leaves plays out its last frames, and the next one joins at its target") {
  simulation sim(500.0);
  sim.run(20.0);
  REQUIRE(sim.input.ratio() != 1.0);
  sim.input.detach_sender();
  std::vector<std::int16_t> block(sim.config.block_samples());
  for (int b = 0; b < 20 && sim.input.playing(); ++b) sim.input.render(block);
  CHECK_FALSE(sim.input.playing());
  CHECK(sim.input.buffered_ms() == 0);
  sim.input.attach_sender("next");
  const std::vector<std::int16_t> packet(2 * 441, 1000);  // 10 ms: below the target
  REQUIRE(sim.input.ring().write(std::as_bytes(std::span(packet))) == packet.size() * 2);
  sim.input.render(block);
  CHECK_FALSE(sim.input.playing());
  CHECK(std::all_of(block.begin(), block.end(), [](std::int16_t s) { return s == 0; }));
  CHECK(sim.input.counters().underruns == 0);
  CHECK(sim.input.ratio() == 1.0);
}

TEST_CASE("heavy jitter (packets up to 40 ms late) is no drift: an offset is still followed, and our own clock is not resampled") {
  for (const double ppm : {500.0, -500.0, 0.0}) {
    INFO(ppm << " ppm");
    simulation sim(ppm, 441, 40.0, 3);
    const double worst = sim.run(120.0);
    MESSAGE(ppm << " ppm: drift_ppm " << sim.input.drift_ppm() << ", ratio " << sim.input.ratio() << ", target "
                << sim.input.target_ms() << " ms, underruns " << sim.input.counters().underruns.load() << ", skipped "
                << sim.input.counters().skipped_frames.load());
    CHECK(worst < 16.0);
    CHECK(sim.input.counters().skipped_frames == 0);
    if (ppm == 0.0) {
      CHECK(sim.input.ratio() == 1.0);
    } else {
      CHECK(sim.input.drift_ppm() == doctest::Approx(ppm).epsilon(0.10));
    }
  }
}
