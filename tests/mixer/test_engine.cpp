#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "engine_rig.hpp"

using namespace mixmatrix::mixer;
using mixmatrix::test::constant;
using mixmatrix::test::feed;
using mixmatrix::test::rig;


TEST_CASE("every channel publishes exactly one block per tick, silence included") {
  rig r;
  r.m.add_mix("EMPTY");
  r.network("IDLE");
  r.publish();
  for (int i = 0; i < 10; ++i) r.eng.process_block();
  CHECK(r.m.find("EMPTY")->output().published() == 10);
  CHECK(r.m.find("IDLE")->output().published() == 10);
  CHECK(r.last_block("EMPTY") == constant(r.config.block_samples(), 0));
  CHECK(r.m.find("EMPTY")->counters().frames == 10 * r.config.block_frames);
}

TEST_CASE("a channel nobody reads is not published, and a new reader gets every block from the next on") {
  rig r;
  auto in = std::make_shared<input_channel>("UNREAD", r.config, 440.0, -12.0);
  REQUIRE_FALSE(r.m.add_input(in));
  r.eng.plans().publish(r.m.compile());
  for (int i = 0; i < 5; ++i) r.eng.process_block();
  CHECK(in->output().published() == 0);
  CHECK(in->counters().frames == 5 * r.config.block_frames);  // rendered and metered all the same
  {
    block_cursor reader(in->output());
    r.eng.process_block();
    r.eng.process_block();
    std::vector<std::byte> block(in->output().block_bytes());
    CHECK(reader.read(block));
    CHECK(reader.read(block));
    CHECK_FALSE(reader.read(block));
    CHECK(reader.lost() == 0);
  }
  r.eng.process_block();
  CHECK(in->output().published() == 2);
}

TEST_CASE("unity-gain passthrough of one input is bit-exact") {
  rig r;
  auto in = r.network("IN");
  r.m.add_mix("MIX");
  r.m.route("MIX", "IN", 0);
  r.publish();
  r.eng.process_block();  // the first block of a plan fades the new route in; settle first
  std::vector<std::int16_t> pcm(r.config.block_samples() * 20);
  for (std::size_t i = 0; i < pcm.size(); ++i) pcm[i] = static_cast<std::int16_t>((i * 7919 + 13) % 65536 - 32768);
  feed(*in, pcm);
  for (std::size_t b = 0; b < 20; ++b) {
    r.eng.process_block();
    const auto block = r.last_block("MIX");
    CHECK(std::memcmp(block.data(), pcm.data() + b * r.config.block_samples(), block.size() * 2) == 0);
  }
}

TEST_CASE("sums saturate at full scale instead of wrapping, and clips are counted") {
  rig r;
  auto [a, b] = r.two_inputs_into_mix();
  feed(*a, constant(r.config.block_samples(), 30000));
  feed(*b, constant(r.config.block_samples(), 30000));
  r.eng.process_block();
  CHECK(r.last_block("MIX") == constant(r.config.block_samples(), 32767));
  CHECK(r.m.find("MIX")->counters().clips == r.config.block_samples());
  feed(*a, constant(r.config.block_samples(), -30000));
  feed(*b, constant(r.config.block_samples(), -30000));
  r.eng.process_block();
  CHECK(r.last_block("MIX") == constant(r.config.block_samples(), -32768));
}

TEST_CASE("mixing is a sum, not Kamaelia's divide-by-N") {
  rig r;
  auto [a, b] = r.two_inputs_into_mix();
  feed(*a, constant(r.config.block_samples(), 1000));
  feed(*b, constant(r.config.block_samples(), 234));
  r.eng.process_block();
  CHECK(r.last_block("MIX") == constant(r.config.block_samples(), 1234));
}

TEST_CASE("a gain change ramps over the ramp time, then holds") {
  rig r;  // block 256 frames, ramp 5 ms = 221 frames
  auto in = r.network("IN");
  r.m.add_mix("MIX");
  r.m.route("MIX", "IN", 0);
  r.publish();
  r.eng.process_block();
  const std::size_t samples = r.config.block_samples();
  feed(*in, constant(samples * 3, 16384));
  r.eng.process_block();
  CHECK(r.last_block("MIX") == constant(samples, 16384));
  r.m.set_gain("MIX", "IN", -INFINITY);
  r.publish();
  r.eng.process_block();
  const auto ramp = r.last_block("MIX");
  const std::size_t end = 2 * r.config.ramp_frames();
  CHECK(ramp[0] > 16000);  // starts near the old gain
  for (std::size_t i = 2; i < end; i += 2) CHECK(ramp[i] <= ramp[i - 2]);
  CHECK(ramp[end - 1] == 0);  // reaches the new gain after the ramp time
  CHECK(std::all_of(ramp.begin() + static_cast<std::ptrdiff_t>(end), ramp.end(), [](std::int16_t x) { return x == 0; }));
  r.eng.process_block();
  CHECK(r.last_block("MIX") == constant(samples, 0));
}

TEST_CASE("a ramp longer than a block spans blocks, and a plan swap mid-ramp does not restart it") {
  engine_config config;
  config.ramp_ms = 20;  // 882 frames: three and a half blocks
  rig r(config);
  auto in = r.network("IN");
  r.m.add_mix("MIX");
  r.m.route("MIX", "IN", -INFINITY);
  r.publish();
  for (int b = 0; b < 4; ++b) r.eng.process_block();  // the new mix's own master fade-in completes
  feed(*in, constant(r.config.block_samples() * 8, 20000));
  r.m.set_gain("MIX", "IN", 0);
  r.publish();
  std::vector<std::int16_t> heard;
  for (int b = 0; b < 6; ++b) {
    if (b == 2) r.publish();  // an unrelated republish mid-ramp
    r.eng.process_block();
    const auto block = r.last_block("MIX");
    heard.insert(heard.end(), block.begin(), block.end());
  }
  for (std::size_t i = 2; i < heard.size(); i += 2) CHECK(heard[i] >= heard[i - 2]);
  CHECK(heard[2 * 440] == doctest::Approx(10000).epsilon(0.01));  // halfway after 441 frames
  CHECK(heard[2 * 881] == 20000);
  CHECK(heard.back() == 20000);
}

TEST_CASE("muting and unmuting a full-scale sine never jumps more than the sine's own slope") {
  rig r;
  r.tone("T", 1000, 0.0);
  r.m.add_mix("MIX");
  r.m.route("MIX", "T", 0);
  r.publish();
  std::vector<std::int16_t> heard;
  for (int b = 0; b < 60; ++b) {
    if (b % 10 == 5) {
      r.m.set_muted("MIX", "T", b % 20 == 5);
      r.publish();
    }
    r.eng.process_block();
    const auto block = r.last_block("MIX");
    heard.insert(heard.end(), block.begin(), block.end());
  }
  // The sine's steepest step is 2 pi f A / rate; a 5 ms ramp adds at most A / 221 to it.
  const double slope = 2 * 3.14159265 * 1000 * 32767 / 44100 + 32767.0 / 221 + 2;
  int steepest = 0;
  for (std::size_t i = 2; i < heard.size(); i += 2) steepest = std::max(steepest, std::abs(heard[i] - heard[i - 2]));
  CHECK(steepest <= slope);
  MESSAGE("steepest step " << steepest << ", allowed " << slope);
}

TEST_CASE("unroute fades the source out instead of cutting it") {
  rig r;
  auto in = r.network("IN");
  r.m.add_mix("MIX");
  r.m.route("MIX", "IN", 0);
  r.publish();
  r.eng.process_block();
  const std::size_t samples = r.config.block_samples();
  feed(*in, constant(samples * 3, 16384));
  r.eng.process_block();
  REQUIRE_FALSE(r.m.unroute("MIX", "IN"));
  r.publish();
  r.eng.process_block();
  const auto fade = r.last_block("MIX");
  CHECK(fade[0] > 16000);
  CHECK(fade[2 * r.config.ramp_frames() - 1] == 0);
  r.eng.process_block();
  CHECK(r.last_block("MIX") == constant(samples, 0));
  CHECK(r.m.compile()->routes.empty());  // the next plan no longer carries the faded route
}

TEST_CASE("a mix that is off emits digital silence and its listeners keep their clock") {
  rig r;
  r.tone("T", 1000, -6);
  r.m.add_mix("MIX");
  r.m.route("MIX", "T", 0);
  r.publish();
  r.eng.process_block();
  r.eng.process_block();
  CHECK(r.last_block("MIX") != constant(r.config.block_samples(), 0));
  r.m.set_on("MIX", false);
  r.publish();
  r.eng.process_block();  // ramps down
  r.eng.process_block();
  CHECK(r.last_block("MIX") == constant(r.config.block_samples(), 0));
  CHECK(r.m.find("MIX")->output().published() == 4);
}

TEST_CASE("a submix feeds a mix within the same block") {
  rig r;
  auto in = r.network("IN");
  r.m.add_mix("MAIN");  // added first: compile must still order SUB before it
  r.m.add_mix("SUB");
  r.m.route("SUB", "IN", 0);
  r.m.route("MAIN", "SUB", -6.0206);
  r.publish();
  r.eng.process_block();
  feed(*in, constant(r.config.block_samples(), 2000));
  r.eng.process_block();
  CHECK(r.last_block("SUB") == constant(r.config.block_samples(), 2000));
  CHECK(r.last_block("MAIN") == constant(r.config.block_samples(), 1000));
}

TEST_CASE("removing a channel mid-stream swaps plans without a hitch") {
  rig r;
  r.tone("T", 440, -12);
  r.m.add_mix("MIX");
  r.m.route("MIX", "T", 0);
  r.publish();
  for (int i = 0; i < 5; ++i) r.eng.process_block();
  REQUIRE_FALSE(r.m.remove("T", channel_kind::input));
  r.publish();
  for (int i = 0; i < 5; ++i) r.eng.process_block();
  r.eng.plans().collect();
  CHECK(r.eng.plans().held() == 1);
  CHECK(r.m.find("MIX")->output().published() == 10);
}

TEST_CASE("the engine meters every channel: a -6 dBFS sine reads -6 peak and -9 RMS") {
  rig r;
  r.tone("T", 1000, -6.0206);
  r.m.add_mix("MIX");
  r.m.route("MIX", "T", 0);
  r.m.set_master("MIX", -6.0206);
  r.publish();
  for (int i = 0; i < 40; ++i) r.eng.process_block();
  const auto input = r.m.find("T")->meter().read();
  CHECK(input.peak_db[0] == doctest::Approx(-6.02).epsilon(0.01));
  CHECK(input.rms_db[1] == doctest::Approx(-9.03).epsilon(0.01));
  const auto mix = r.m.find("MIX")->meter().read();
  CHECK(mix.peak_db[0] == doctest::Approx(-12.04).epsilon(0.01));
  r.m.set_on("MIX", false);
  r.publish();
  for (int i = 0; i < 40; ++i) r.eng.process_block();
  CHECK(std::isinf(r.m.find("MIX")->meter().read().peak_db[0]));
}
