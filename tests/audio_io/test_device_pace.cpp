#include <doctest/doctest.h>

#include "audio_io/device_pace.hpp"

using mixmatrix::audio_io::device_pace;
using namespace std::chrono_literals;

namespace {
// 95-frame callbacks at 44.1 kHz, as PortAudio asks ALSA's file plugin for them.
constexpr std::size_t callback_frames = 95;
constexpr auto callback_period = std::chrono::nanoseconds(95'000'000'000 / 44100);

// Callbacks from `at` for `frames`, all at once as a filling buffer asks for them; the time after.
device_pace::clock::time_point fill(device_pace& pace, device_pace::clock::time_point at,
                                    std::size_t frames) {
  for (std::size_t asked = 0; asked < frames; asked += callback_frames)
    CHECK_FALSE(pace.settled(callback_frames, at));
  return at;
}

// Callbacks at real-time pace from `at` until settled() says true; how long that took.
std::chrono::nanoseconds real_time_until_settled(device_pace& pace, device_pace::clock::time_point at) {
  const auto from = at;
  while (!pace.settled(callback_frames, at) && at - from < 2s) at += callback_period;
  return at - from;
}
}  // namespace

TEST_CASE("device_pace: a device that swallows its buffer at once settles after 100 ms at real-time pace") {
  device_pace pace(44100);
  const auto start = device_pace::clock::now();
  const auto filled = fill(pace, start, 16384);  // a 64 KiB pipe
  const auto waited = real_time_until_settled(pace, filled);
  CHECK(waited >= 100ms);
  CHECK(waited < 110ms);
  CHECK(pace.settled(callback_frames, filled + waited + 1h));  // and stays settled
}

TEST_CASE("device_pace: a card that keeps real time from its first callback settles after 100 ms") {
  device_pace pace(44100);
  const auto waited = real_time_until_settled(pace, device_pace::clock::now());
  CHECK(waited >= 100ms);
  CHECK(waited < 110ms);
}

TEST_CASE("device_pace: a pause within the fill is not taken for real-time pace") {
  device_pace pace(44100);
  const auto start = device_pace::clock::now();
  // The audio thread is woken late with the buffer half full: a late callback does not settle it...
  const auto late = fill(pace, start, 8192) + 150ms;
  CHECK_FALSE(pace.settled(callback_frames, late));
  // ...nor does the rest of the fill that follows at once.
  const auto filled = fill(pace, late, 8192);
  CHECK(real_time_until_settled(pace, filled) >= 100ms);
}

TEST_CASE("device_pace: a device that never keeps time is waited for 1 s") {
  device_pace pace(44100);
  const auto start = device_pace::clock::now();
  auto at = start;
  while (!pace.settled(callback_frames, at)) at += callback_period / 2;  // twice real time, for good
  CHECK(at - start >= 1s);
  CHECK(at - start < 1s + callback_period);
}
