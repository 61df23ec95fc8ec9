#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <vector>

#include "mixer/input_channel.hpp"

using namespace mixmatrix::mixer;

namespace {
engine_config small_config() {
  engine_config c;
  c.rate = 1000;  // 1 frame per ms keeps the arithmetic readable
  c.block_frames = 10;
  c.input_buffer_ms = 100;
  return c;
}

// `frames` frames whose left sample counts up from `first` and right sample is its negative.
std::vector<std::int16_t> ramp_frames(std::size_t frames, std::int16_t first) {
  std::vector<std::int16_t> pcm;
  for (std::size_t f = 0; f < frames; ++f) {
    pcm.push_back(static_cast<std::int16_t>(first + static_cast<std::int16_t>(f)));
    pcm.push_back(static_cast<std::int16_t>(-(first + static_cast<std::int16_t>(f))));
  }
  return pcm;
}

void feed(input_channel& in, const std::vector<std::int16_t>& pcm) {
  CHECK(in.ring().write(std::as_bytes(std::span(pcm))) == pcm.size() * 2);
}

std::vector<std::int16_t> render(input_channel& in) {
  std::vector<std::int16_t> block(20);
  in.render(block);
  return block;
}

bool silent(const std::vector<std::int16_t>& block) {
  return std::all_of(block.begin(), block.end(), [](std::int16_t s) { return s == 0; });
}
}  // namespace

TEST_CASE("a network input is silent until its latency target is buffered, then plays exactly") {
  input_channel in("in", small_config(), 30);  // 30 frames
  in.attach_sender("test");
  feed(in, ramp_frames(20, 1));
  CHECK(silent(render(in)));
  CHECK_FALSE(in.playing());
  feed(in, ramp_frames(20, 21));
  auto block = render(in);
  CHECK(in.playing());
  CHECK(block == ramp_frames(10, 1));
  CHECK(render(in) == ramp_frames(10, 11));
  CHECK(in.counters().underruns == 0);
}

TEST_CASE("running dry gives silence, counts an underrun, and rejoins only after refilling") {
  input_channel in("in", small_config(), 20);
  in.attach_sender("test");
  feed(in, ramp_frames(25, 1));
  render(in);
  render(in);
  auto partial = render(in);  // 5 frames left: they play, the rest is silence
  CHECK(std::vector<std::int16_t>(partial.begin(), partial.begin() + 10) == ramp_frames(5, 21));
  CHECK(std::all_of(partial.begin() + 10, partial.end(), [](std::int16_t s) { return s == 0; }));
  CHECK(in.counters().underruns == 1);
  CHECK_FALSE(in.playing());
  CHECK(in.target_ms() == 30);  // the target grew by one block
  feed(in, ramp_frames(25, 100));
  CHECK(silent(render(in)));  // 25 < 30 frames: still refilling
  feed(in, ramp_frames(5, 125));
  CHECK(render(in) == ramp_frames(10, 100));
}

TEST_CASE("the jitter target grows a block per underrun, up to half the buffer") {
  input_channel in("in", small_config(), 20);  // ring: 100 frames
  in.attach_sender("test");
  for (int i = 0; i < 20; ++i) {
    feed(in, ramp_frames(in.target_ms(), 1));
    while (in.ring().readable() > 0) render(in);
    render(in);
  }
  CHECK(in.target_ms() == 50);
  CHECK(in.counters().underruns >= 3);
}

TEST_CASE("bytes cut mid-sample and mid-frame are reassembled without shifting channels") {
  input_channel in("in", small_config(), 10);
  in.attach_sender("test");
  const auto pcm = ramp_frames(10, 7);
  const auto bytes = std::as_bytes(std::span(pcm));
  for (std::size_t at = 0; at < bytes.size(); at += 3) {  // 3-byte pieces
    in.ring().write(bytes.subspan(at, std::min<std::size_t>(3, bytes.size() - at)));
  }
  CHECK(render(in) == pcm);
}

TEST_CASE("a sender leaving mid-frame: its last frames play out, the half frame becomes silence") {
  input_channel in("in", small_config(), 50);
  in.attach_sender("a");
  const auto pcm = ramp_frames(5, 1);
  in.ring().write(std::as_bytes(std::span(pcm)).first(5 * 4 - 1));  // the last byte never came
  in.detach_sender();
  auto block = render(in);  // below target, but the sender is gone: play what there is
  CHECK(std::vector<std::int16_t>(block.begin(), block.begin() + 8) == ramp_frames(4, 1));
  CHECK(block[8] == 5);
  CHECK(std::all_of(block.begin() + 10, block.end(), [](std::int16_t s) { return s == 0; }));
  CHECK(in.counters().underruns == 0);  // nobody was sending: not an underrun
  in.attach_sender("b");
  feed(in, ramp_frames(50, 1000));
  CHECK(render(in) == ramp_frames(10, 1000));  // the next sender starts frame-aligned
}

TEST_CASE("a full input buffer refuses more bytes instead of dropping any") {
  input_channel in("in", small_config(), 10);
  const auto pcm = ramp_frames(100, 0);
  feed(in, pcm);
  CHECK(in.ring().free_space() == 0);
  std::int16_t extra[2]{1, 1};
  CHECK(in.ring().write(std::as_bytes(std::span(extra))) == 0);
  CHECK(in.buffered_ms() == 100);
}

TEST_CASE("a tone input renders its sine on both channels at its level") {
  engine_config c;
  input_channel in("tone", c, 1000.0, -6.0);
  std::vector<std::int16_t> block(c.block_samples() * 200);
  in.render(block);
  std::int16_t peak = 0;
  for (std::size_t i = 0; i < block.size(); i += 2) {
    CHECK(block[i] == block[i + 1]);
    peak = std::max(peak, block[i]);
  }
  CHECK(peak == doctest::Approx(32767 * 0.501187).epsilon(0.001));
}

namespace {
// An input at 1000 Hz (a window is 50 blocks of 10 frames) with a target of `latency` frames,
// whose sender keeps its buffer where `fed` frames put it, feeding what each block takes; `next`
// counts the ramp's frames.
struct steady_feed {
  steady_feed(std::size_t fed, std::uint32_t latency) : in("in", small_config(), latency) {
    in.attach_sender("test");
    frames(fed);
  }
  void frames(std::size_t n) {
    feed(in, ramp_frames(n, next));
    in.counters().bytes_in.fetch_add(n * 4);  // as the network thread counts what it reads
    next = static_cast<std::int16_t>(next + static_cast<std::int16_t>(n));
  }
  input_channel in;
  std::int16_t next = 1;
};
}  // namespace

TEST_CASE("gross excess (a burst after a stall) is skipped down to rest at once, with a crossfade") {
  steady_feed s(95, 20);  // 75 frames above the target of 20: more than 50 above the band
  std::int16_t expected = 1;
  for (int block = 0; block < 100; ++block) {
    CHECK(render(s.in) == ramp_frames(10, expected));  // the first two windows play every frame: one measures
    expected = static_cast<std::int16_t>(expected + 10);
    s.frames(10);
  }
  CHECK(s.in.counters().skipped_frames == 0);
  const auto skipped = render(s.in);  // the second window's proof: skipped to rest (25 frames) here
  s.frames(10);
  const auto skip = static_cast<std::int16_t>(s.in.counters().skipped_frames.load());
  CHECK(skip == 70);
  CHECK(skipped[0] == expected);              // the block starts where it should...
  CHECK(skipped[18] == expected + 9 + skip);  // ...and ends on the frame after the skipped ones
  for (std::size_t f = 1; f < 10; ++f) CHECK(skipped[2 * f] > skipped[2 * f - 2]);  // no step back
  const auto after = render(s.in);
  s.frames(10);
  CHECK(after[0] == expected + 10 + skip);
  CHECK(std::abs(static_cast<int>(s.in.buffered_ms()) - 25) <= 1);
  CHECK(s.in.counters().underruns == 0);
}

TEST_CASE("a buffer moderately above its target is trimmed down to rest, then read bit for bit again") {
  // 40 frames above the target of 40, 30 above the band: no skip. (A target of 40 frames leaves
  // the ring the 16 frames the resampler reads ahead: at 1000 Hz they are 16 ms.)
  steady_feed s(80, 40);
  std::int16_t previous = 0;
  bool resampled = false;
  for (int block = 0; block < 1000; ++block) {
    const auto b = render(s.in);
    s.frames(10);
    resampled = resampled || s.in.ratio() != 1.0;
    for (std::size_t f = 0; f < 10; ++f) {
      REQUIRE(b[2 * f] > previous);  // never a step back
      previous = b[2 * f];
    }
  }
  CHECK(resampled);
  CHECK(s.in.counters().skipped_frames == 0);
  CHECK(s.in.ratio() == 1.0);
  CHECK(std::abs(static_cast<int>(s.in.buffered_ms()) - 45) <= 2);
  // Back on whole frames: each block is the ten frames after the last, exactly.
  for (int block = 0; block < 10; ++block) {
    const auto b = render(s.in);
    s.frames(10);
    CHECK(b == ramp_frames(10, static_cast<std::int16_t>(previous + 1)));
    previous = b[18];
  }
  CHECK(s.in.counters().underruns == 0);
}

TEST_CASE("a burst (a file sent at once) and a sender paced by a full buffer are never skipped") {
  auto roomy = small_config();
  roomy.input_buffer_ms = 2000;
  input_channel burst("burst", roomy, 20);
  burst.attach_sender("test");
  feed(burst, ramp_frames(1500, 1));  // 1.5 s at once: three windows' worth, played whole
  burst.counters().bytes_in.fetch_add(1500 * 4);
  for (int block = 0; block < 140; ++block) {
    CHECK(render(burst) == ramp_frames(10, static_cast<std::int16_t>(1 + 10 * block)));
  }
  CHECK(burst.counters().skipped_frames == 0);
}

TEST_CASE("a sender paced by a full buffer (TCP backpressure) is never skipped") {
  input_channel in("in", small_config(), 20);
  in.attach_sender("test");
  for (int block = 0; block < 300; ++block) {
    while (in.ring().free_space() >= 40) feed(in, ramp_frames(10, 1));
    in.counters().overruns.fetch_add(1);  // as the network thread counts a pause on a full ring
    render(in);
  }
  CHECK(in.counters().skipped_frames == 0);
}

TEST_CASE("a tone stays on the exact sine, block after block, within one step of rounding") {
  engine_config c;
  input_channel in("tone", c, 997.0, -1.0);
  std::vector<std::int16_t> block(c.block_samples());
  const double amplitude = 32767.0 * std::pow(10.0, -1.0 / 20.0);
  std::size_t frame = 0;
  int worst = 0;
  for (int b = 0; b < 2000; ++b) {  // 11.6 s: any drift of phase or amplitude would show
    in.render(block);
    for (std::size_t i = 0; i < block.size(); i += 2, ++frame) {
      const double exact = amplitude * std::sin(2.0 * std::numbers::pi * 997.0 * static_cast<double>(frame) / c.rate);
      worst = std::max(worst, std::abs(block[i] - static_cast<int>(std::lrint(exact))));
    }
  }
  CHECK(worst <= 1);
}

namespace {
std::vector<std::int16_t> render_at(input_channel& in, double seconds) {
  std::vector<std::int16_t> block(20);
  in.render(block, static_cast<std::int64_t>(std::llround(seconds * 1e9)));
  return block;
}
}  // namespace

TEST_CASE("an input played at its timestamps waits until its first frame is due, then plays it from there") {
  input_channel in("in", small_config(), 30);
  in.play_at_timestamps(5);
  in.attach_sender("test");
  in.note_due(1'000'000'000);  // the first frame's timestamp: 1 s, so it plays at 1.005 s
  feed(in, ramp_frames(100, 1));
  CHECK(silent(render_at(in, 0.985)));
  CHECK(silent(render_at(in, 0.995)));  // 10 ms early: more than half a block
  CHECK(render_at(in, 1.005) == ramp_frames(10, 1));
  CHECK(render_at(in, 1.015) == ramp_frames(10, 11));
  CHECK(in.counters().underruns == 0);
}

TEST_CASE("an input played at its timestamps that joins late drops the frames already past due") {
  input_channel in("in", small_config(), 30);
  in.play_at_timestamps(5);
  in.attach_sender("test");
  in.note_due(1'000'000'000);
  feed(in, ramp_frames(100, 1));
  CHECK(render_at(in, 1.025) == ramp_frames(10, 21));  // frames 1 to 20 were due from 1.005 s
  // Without a block time (a caller with no clock) it plays at its level instead.
  input_channel level("level", small_config(), 30);
  level.play_at_timestamps(5);
  level.attach_sender("test");
  level.note_due(1'000'000'000);
  feed(level, ramp_frames(100, 1));
  CHECK(render(level) == ramp_frames(10, 1));
}
