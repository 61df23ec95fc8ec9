// The engine's broadcast mixing on a manual clock: mix-minus, ducking, pan.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

#include "engine_rig.hpp"
#include "mixer/gain.hpp"

using namespace mixmatrix::mixer;
using mixmatrix::test::constant;
using mixmatrix::test::feed;
using mixmatrix::test::rig;

namespace {

// Noise at about a quarter of full scale, so sums of a few at gains up to +4 dB never saturate.
std::vector<std::int16_t> noise(std::size_t samples, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> dist(-8000, 8000);
  std::vector<std::int16_t> v(samples);
  for (auto& x : v) x = static_cast<std::int16_t>(dist(random));
  return v;
}

int largest_difference(const std::vector<std::int16_t>& a, const std::vector<std::int16_t>& b) {
  int d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
  return d;
}

// The level of the duck envelope at the end of each block, in dB, by the documented rule: linear
// in dB at depth/attack while the key counts as present (its block loud, or one within the hold),
// back at depth/release after.
struct expected_duck {
  double depth, attack_frames, release_frames, hold_frames, block;
  double level = 0, hold = 0;
  double next(bool loud) {
    hold = loud ? hold_frames : std::max(0.0, hold - block);
    const double target = hold > 0 ? depth : 0.0;
    if (level > target) level = std::max(target, level + depth / attack_frames * block);
    if (level < target) level = std::min(target, level - depth / release_frames * block);
    return level;
  }
};

}  // namespace

TEST_CASE(
    "a mix-minus equals a direct mix of the other sources within 1 LSB, through ramps, pans, mutes and "
    "ducks") {
  engine_config config;
  config.ramp_ms = 20;  // 882 frames: gain changes ramp across blocks
  rig r(config);
  const std::vector<std::pair<std::string, double>> gains{{"A", -3}, {"B", -6.5}, {"C", 2}, {"D", -10}};
  for (const auto& [name, db] : gains) r.network(name);
  r.m.add_mix("MAIN");
  r.m.add_mix("REF");  // MAIN without B, built directly
  for (const auto& [name, db] : gains) {
    r.m.route("MAIN", name, db);
    if (name != "B") r.m.route("REF", name, db);
  }
  const duck_params talk{-12, -30, 30, 200};
  SUBCASE("plain") {}
  SUBCASE("with a duck keyed on C in both, so B is ducked in MAIN") {
    REQUIRE_FALSE(r.m.set_duck("MAIN", "C", talk));
    REQUIRE_FALSE(r.m.set_duck("REF", "C", talk));
  }
  REQUIRE_FALSE(r.m.add_minus("NO_B", "MAIN", "B"));
  r.publish();
  r.eng.process_block();
  const std::size_t samples = config.block_samples();
  unsigned seed = 1;
  for (const auto& [name, db] : gains) {
    auto pcm = noise(samples * 60, seed++);
    // C, the duck's key, pauses from block 15 to 30: the envelope attacks, releases, attacks again.
    if (name == "C")
      std::fill(pcm.begin() + 15 * static_cast<std::ptrdiff_t>(samples),
                pcm.begin() + 30 * static_cast<std::ptrdiff_t>(samples), 0);
    feed(*r.m.find_input(name), pcm);
  }
  int worst = 0;
  int b_heard = 0;
  for (int b = 0; b < 60; ++b) {
    if (b == 5) r.m.set_gain("MAIN", "B", 4);  // ramps over three and a half blocks
    if (b == 12) r.m.set_pan("MAIN", "B", 60);
    if (b == 20) r.m.set_muted("MAIN", "B", true);
    if (b == 24) r.m.set_muted("MAIN", "B", false);
    if (b == 34) r.m.unroute("MAIN", "B");
    if (b == 40) r.m.route("MAIN", "B", -1);
    if (b == 48) r.m.set_gain("MAIN", "B", -INFINITY);
    if (b == 53) r.m.set_gain("MAIN", "B", 0);
    r.publish();
    r.eng.process_block();
    const auto minus = r.last_block("NO_B");
    worst = std::max(worst, largest_difference(minus, r.last_block("REF")));
    b_heard += largest_difference(r.last_block("MAIN"), r.last_block("REF")) > 500;
  }
  CHECK(worst <= 1);
  CHECK(b_heard > 40);  // B really was in MAIN most of the time, and really was taken out
  MESSAGE("largest difference from the direct mix: " << worst << " LSB");
}

TEST_CASE("a mix-minus of a mix with a submix takes out the submix, or an input beside it") {
  rig r;
  for (auto name : {"A", "B", "E", "F"}) r.network(name);
  r.m.add_mix("SUB");
  r.m.route("SUB", "E", -2);
  r.m.route("SUB", "F", 1);
  r.m.add_mix("MAIN");
  r.m.route("MAIN", "A", -4);
  r.m.route("MAIN", "SUB", -3);
  r.m.route("MAIN", "B", 0.5);
  r.m.add_mix("REF_NO_SUB");
  r.m.route("REF_NO_SUB", "A", -4);
  r.m.route("REF_NO_SUB", "B", 0.5);
  r.m.add_mix("REF_NO_A");
  r.m.route("REF_NO_A", "SUB", -3);
  r.m.route("REF_NO_A", "B", 0.5);
  REQUIRE_FALSE(r.m.add_minus("NO_SUB", "MAIN", "SUB"));
  REQUIRE_FALSE(r.m.add_minus("NO_A", "MAIN", "A"));
  r.publish();
  r.eng.process_block();
  unsigned seed = 7;
  for (auto name : {"A", "B", "E", "F"})
    feed(*r.m.find_input(name), noise(r.config.block_samples() * 20, seed++));
  int worst = 0;
  for (int b = 0; b < 20; ++b) {
    r.eng.process_block();
    worst = std::max(worst, largest_difference(r.last_block("NO_SUB"), r.last_block("REF_NO_SUB")));
    worst = std::max(worst, largest_difference(r.last_block("NO_A"), r.last_block("REF_NO_A")));
  }
  CHECK(worst <= 1);
}

TEST_CASE(
    "a mix-minus ignores its mix's master and on/off, has its own, and feeds other mixes in the same block") {
  rig r;
  auto a = r.network("A");
  auto b = r.network("B");
  r.m.add_mix("MAIN");
  r.m.route("MAIN", "A", 0);
  r.m.route("MAIN", "B", 0);
  r.m.set_master("MAIN", -20);
  r.m.add_minus("NO_B", "MAIN", "B");
  r.m.add_mix("OUT");
  r.m.route("OUT", "NO_B", 0);
  r.publish();
  r.eng.process_block();
  const std::size_t samples = r.config.block_samples();
  feed(*a, constant(samples * 8, 3000));
  feed(*b, constant(samples * 8, 7000));
  r.eng.process_block();
  CHECK(r.last_block("NO_B") == constant(samples, 3000));
  CHECK(r.last_block("OUT") == constant(samples, 3000));  // not a block late
  CHECK(r.last_block("MAIN") == constant(samples, 1000));
  r.m.set_on("MAIN", false);
  r.m.set_master("NO_B", -6.0206);
  r.publish();
  r.eng.process_block();
  r.eng.process_block();
  CHECK(r.last_block("MAIN") == constant(samples, 0));
  CHECK(r.last_block("NO_B") == constant(samples, 1500));
  r.m.set_on("NO_B", false);
  r.publish();
  r.eng.process_block();
  r.eng.process_block();
  CHECK(r.last_block("NO_B") == constant(samples, 0));
  CHECK(r.m.find("NO_B")->output().published() == 6);  // one block a tick, silence included
}

TEST_CASE("a mix-minus whose source is unrouted is its mix, and follows the fade exactly") {
  rig r;
  auto a = r.network("A");
  auto b = r.network("B");
  r.m.add_mix("MAIN");
  r.m.route("MAIN", "A", 0);
  r.m.route("MAIN", "B", 0);
  r.m.add_minus("NO_B", "MAIN", "B");
  r.publish();
  r.eng.process_block();
  const std::size_t samples = r.config.block_samples();
  feed(*a, constant(samples * 8, 3000));
  feed(*b, constant(samples * 8, 7000));
  r.eng.process_block();
  r.m.unroute("MAIN", "B");
  r.publish();
  r.eng.process_block();
  CHECK(r.last_block("MAIN")[0] > 9900);                   // B fading out of MAIN...
  CHECK(r.last_block("NO_B") == constant(samples, 3000));  // ...and never heard in NO_B
  r.publish();
  r.eng.process_block();
  CHECK(r.m.compile()->minuses.at(0).route == no_route);
  CHECK(r.last_block("NO_B") == r.last_block("MAIN"));
}

TEST_CASE("ducking: depth, attack and release on the documented curve, block by block, key not ducked") {
  rig r;  // block 256, attack 20 ms = 882 frames, release 500 ms = 22050 frames, hold 10 ms = 441 frames
  auto bed = r.network("BED");
  auto key = r.network("KEY");
  r.m.add_mix("MIX");
  r.m.route("MIX", "BED", 0);
  REQUIRE_FALSE(r.m.set_duck("MIX", "KEY", {-15, -40, 20, 500}));
  bool key_routed = false;
  SUBCASE("the key not routed into the mix") {}
  SUBCASE("the key routed into the mix") {
    key_routed = true;
  }
  CAPTURE(key_routed);
  if (key_routed) r.m.route("MIX", "KEY", 0);
  r.publish();
  r.eng.process_block();
  r.eng.process_block();  // the routes' own fade-in is over
  const std::size_t samples = r.config.block_samples();
  const int blocks = 140;
  feed(*bed, constant(samples * blocks, 16384));
  std::vector<std::int16_t> voice(samples * blocks, 0);
  std::fill(voice.begin() + 10 * static_cast<std::ptrdiff_t>(samples),
            voice.begin() + 30 * static_cast<std::ptrdiff_t>(samples), 1000);
  feed(*key, voice);
  expected_duck want{-15, 882, 22050, 441, 256};
  int steepest = 0;
  std::int16_t previous = 16384;
  for (int b = 0; b < blocks; ++b) {
    r.eng.process_block();
    const bool loud = b >= 10 && b < 30;
    const double level = want.next(loud);
    auto block = r.last_block("MIX");
    if (key_routed && loud) {
      for (auto& s : block)
        s = static_cast<std::int16_t>(s - 1000);  // the key's own crosspoint, never ducked
    }
    CAPTURE(b);
    CHECK(block.back() == doctest::Approx(16384 * std::pow(10, level / 20)).epsilon(0.001));
    for (std::size_t i = 0; i < block.size(); i += 2) {
      steepest = std::max(steepest, std::abs(block[i] - previous));
      previous = block[i];
    }
  }
  // Key from block 10: -15 dB is reached 882 frames on, at the end of block 13, not before block 13.
  // Key gone from block 30: held 10 ms (to block 31), released after 22050 more frames (block 117).
  // The largest step is the first attack block's slope, 16384 (1 - 10^(-4.35/20)) / 256 = 25.
  CHECK(steepest <= 26);
  MESSAGE("steepest step " << steepest);
}

TEST_CASE("ducking a full-scale sine never jumps more than the sine's own slope and the envelope's") {
  rig r;
  r.tone("BED", 1000, 0);
  auto key = r.network("KEY");
  r.m.add_mix("MIX");
  r.m.route("MIX", "BED", 0);
  r.m.set_duck("MIX", "KEY", {-20, -40, 0, 50});  // the fastest attack: within one block
  r.publish();
  const std::size_t samples = r.config.block_samples();
  std::vector<std::int16_t> voice(samples * 60, 0);
  for (int start : {5, 25, 45}) {
    std::fill(voice.begin() + start * static_cast<std::ptrdiff_t>(samples) + 100,
              voice.begin() + (start + 8) * static_cast<std::ptrdiff_t>(samples), 5000);
  }
  feed(*key, voice);
  std::vector<std::int16_t> heard;
  for (int b = 0; b < 60; ++b) {
    r.eng.process_block();
    const auto block = r.last_block("MIX");
    heard.insert(heard.end(), block.begin(), block.end());
  }
  // The sine's steepest step is 2 pi f A / rate; an envelope falling 20 dB within a block adds A (1 - 0.1) /
  // 256.
  const double slope = 2 * std::numbers::pi * 1000 * 32767 / 44100 + 32767 * 0.9 / 256 + 2;
  int steepest = 0;
  for (std::size_t i = 2; i < heard.size(); i += 2)
    steepest = std::max(steepest, std::abs(heard[i] - heard[i - 2]));
  CHECK(steepest <= slope);
  int loudest_ducked = 0;
  for (std::size_t i = samples * 8; i < samples * 12; ++i)
    loudest_ducked = std::max(loudest_ducked, std::abs(int{heard[i]}));
  CHECK(loudest_ducked == doctest::Approx(3277).epsilon(0.01));  // -20 dB while the key talks
  MESSAGE("steepest step " << steepest << ", allowed " << slope);
}

TEST_CASE("several ducks on a mix combine by the deepest, each key is ducked by the others only") {
  rig r;
  auto bed = r.network("BED");
  auto k1 = r.network("K1");
  auto k2 = r.network("K2");
  r.m.add_mix("MIX");
  r.m.route("MIX", "BED", 0);
  r.m.set_duck("MIX", "K1", {-10, -40, 0, 0});
  r.m.set_duck("MIX", "K2", {-20, -40, 0, 0});
  r.m.route("MIX", "K1", 0);
  r.publish();
  r.eng.process_block();
  r.eng.process_block();
  const std::size_t samples = r.config.block_samples();
  feed(*bed, constant(samples * 40, 16000));
  std::vector<std::int16_t> one(samples * 40, 0), two(samples * 40, 0);
  std::fill(one.begin() + 5 * static_cast<std::ptrdiff_t>(samples),
            one.begin() + 25 * static_cast<std::ptrdiff_t>(samples), 1000);
  std::fill(two.begin() + 15 * static_cast<std::ptrdiff_t>(samples),
            two.begin() + 35 * static_cast<std::ptrdiff_t>(samples), 1000);
  feed(*k1, one);
  feed(*k2, two);
  std::vector<std::vector<std::int16_t>> blocks;
  for (int b = 0; b < 40; ++b) {
    r.eng.process_block();
    blocks.push_back(r.last_block("MIX"));
  }
  auto at = [&](int b) { return blocks[static_cast<std::size_t>(b)].back(); };
  CHECK(at(3) == 16000);
  CHECK(at(10) == doctest::Approx(16000 * std::pow(10, -10.0 / 20) + 1000)
                      .epsilon(0.001));  // K1 talks: -10; K1 itself not ducked
  CHECK(at(20) ==
        doctest::Approx(1600 + 1000 * 0.1).epsilon(0.002));  // both: the deepest, -20; K1 ducked by K2
  CHECK(at(30) == doctest::Approx(1600).epsilon(0.002));     // K2 alone (K2 is not routed into MIX)
  CHECK(at(39) == 16000);
}

TEST_CASE("unduck releases smoothly, then the plan no longer carries the duck") {
  rig r;
  auto bed = r.network("BED");
  auto key = r.network("KEY");
  r.m.add_mix("MIX");
  r.m.route("MIX", "BED", 0);
  r.m.set_duck("MIX", "KEY", {-15, -40, 0, 100});
  r.publish();
  r.eng.process_block();
  const std::size_t samples = r.config.block_samples();
  feed(*bed, constant(samples * 40, 16384));
  feed(*key, constant(samples * 40, 1000));
  for (int b = 0; b < 5; ++b) r.eng.process_block();
  CHECK(r.last_block("MIX").back() == 2914);  // 16384 x 10^(-15/20)
  REQUIRE_FALSE(r.m.remove_duck("MIX", "KEY"));
  CHECK(r.m.find_mix("MIX")->ducks.empty());
  CHECK(r.m.has_fades());
  std::int16_t previous = 2914;
  int steepest = 0;
  for (int b = 0; b < 25; ++b) {
    r.publish();
    r.eng.process_block();
    for (std::size_t i = 0; i < samples; i += 2) {
      steepest = std::max(steepest, std::abs(r.last_block("MIX")[i] - previous));
      previous = r.last_block("MIX")[i];
    }
  }
  CHECK(r.last_block("MIX").back() == 16384);
  CHECK(steepest < 100);  // 100 ms of release, not a step
  CHECK_FALSE(r.m.has_fades());
  CHECK(r.m.compile()->ducks.empty());
}

TEST_CASE("pan law: cosine on the far channel, unity on the near one, exact at 0 and at the ends") {
  CHECK(pan_gain(0, 0) == 1.0f);
  CHECK(pan_gain(0, 1) == 1.0f);
  CHECK(pan_gain(50, 0) == static_cast<float>(std::cos(std::numbers::pi / 4)));
  CHECK(20 * std::log10(pan_gain(50, 0)) == doctest::Approx(-3.0103).epsilon(0.0001));
  CHECK(pan_gain(50, 1) == 1.0f);
  CHECK(pan_gain(-50, 1) == pan_gain(50, 0));
  CHECK(pan_gain(-50, 0) == 1.0f);
  CHECK(pan_gain(100, 0) == 0.0f);
  CHECK(pan_gain(-100, 1) == 0.0f);
  CHECK(pan_gain(100, 1) == 1.0f);
}

TEST_CASE("pan at +-50 and +-100 gives the law's levels per channel, after a ramp without a step") {
  rig r;
  auto in = r.network("IN");
  r.m.add_mix("MIX");
  r.m.route("MIX", "IN", 0);
  r.publish();
  r.eng.process_block();
  const std::size_t samples = r.config.block_samples();
  feed(*in, constant(samples * 20, 16384));
  r.eng.process_block();
  const std::vector<std::pair<double, std::pair<int, int>>> cases{
      {50, {11585, 16384}}, {-50, {16384, 11585}}, {100, {0, 16384}}, {-100, {16384, 0}}};
  for (const auto& [pan, levels] : cases) {
    const double position = pan;  // a name of its own: clang 14 cannot capture a structured binding
    CAPTURE(position);
    const auto before = r.last_block("MIX");
    r.m.set_pan("MIX", "IN", position);
    r.publish();
    r.eng.process_block();
    const auto ramp = r.last_block("MIX");
    // The ramp (5 ms = 221 frames) moves each channel at most its span / 221 a frame.
    for (std::size_t i = 2; i < samples; ++i) CHECK(std::abs(ramp[i] - ramp[i - 2]) <= 16384 / 221 + 1);
    CHECK(std::abs(ramp[0] - before[0]) <= 16384 / 221 + 1);
    r.eng.process_block();
    const auto block = r.last_block("MIX");
    CHECK(block[0] == levels.first);
    CHECK(block[1] == levels.second);
    CHECK(block[samples - 2] == levels.first);
    CHECK(block[samples - 1] == levels.second);
  }
}

TEST_CASE("an unpanned mix, or one panned back to 0, is bit-exact") {
  rig r;
  auto in = r.network("IN");
  r.m.add_mix("MIX");
  r.m.route("MIX", "IN", 0);
  r.m.set_pan("MIX", "IN", 0);
  r.publish();
  r.eng.process_block();
  const std::size_t samples = r.config.block_samples();
  std::vector<std::int16_t> pcm(samples * 12);
  for (std::size_t i = 0; i < pcm.size(); ++i)
    pcm[i] = static_cast<std::int16_t>((i * 7919 + 13) % 65536 - 32768);
  feed(*in, pcm);
  auto expect_exact = [&](std::size_t b) {
    CHECK(r.last_block("MIX") ==
          std::vector<std::int16_t>(pcm.begin() + static_cast<std::ptrdiff_t>(b * samples),
                                    pcm.begin() + static_cast<std::ptrdiff_t>((b + 1) * samples)));
  };
  r.eng.process_block();
  expect_exact(0);
  r.m.set_pan("MIX", "IN", 70);
  r.publish();
  for (std::size_t b = 1; b < 4; ++b) r.eng.process_block();
  CHECK(r.last_block("MIX") !=
        std::vector<std::int16_t>(pcm.begin() + 3 * static_cast<std::ptrdiff_t>(samples),
                                  pcm.begin() + 4 * static_cast<std::ptrdiff_t>(samples)));
  r.m.set_pan("MIX", "IN", 0);
  r.publish();
  r.eng.process_block();  // block 4 ramps back
  for (std::size_t b = 5; b < 12; ++b) {
    r.eng.process_block();
    expect_exact(b);
  }
}
