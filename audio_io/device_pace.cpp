#include "audio_io/device_pace.hpp"

#include <algorithm>

namespace mixmatrix::audio_io {
namespace {
// Long enough that a filling device cannot pass for one at real-time pace (it fills in a burst),
// short enough to be lost in the player's own start (it buffers 100 ms first).
constexpr auto steady_for = std::chrono::milliseconds(100);
constexpr auto give_up_after = std::chrono::seconds(1);
}  // namespace

bool device_pace::settled(std::size_t frames, clock::time_point now) {
  if (settled_) return true;
  largest_ = std::max(largest_, static_cast<std::int64_t>(frames));
  if (!started_) {
    started_ = true;
    first_ = since_ = now;
    return false;
  }
  if (now - first_ >= give_up_after) return settled_ = true;
  asked_ += static_cast<std::int64_t>(frames);
  const auto elapsed = now - since_;
  const std::int64_t due =
      std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count() * rate_ / 1'000'000'000;
  // A callback's worth, since the device asks a whole one at a time, and 20 ms for the jitter of
  // whatever paces it (the pacer of the tests reads every 10 ms).
  const std::int64_t slack = largest_ + rate_ / 50;
  // Off pace either way, the stretch starts again after this callback: ahead, the buffer is still
  // filling; behind, the audio thread was woken late, and the catching up that follows is no proof.
  if (asked_ > due + slack || asked_ + slack < due) {
    since_ = now;
    asked_ = 0;
  } else if (elapsed >= steady_for) {
    settled_ = true;
  }
  return settled_;
}

}  // namespace mixmatrix::audio_io
