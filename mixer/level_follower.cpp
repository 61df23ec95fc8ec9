#include "mixer/level_follower.hpp"

namespace mixmatrix::mixer {

level_follower::level_follower(std::uint32_t rate) : rate_(rate), loop_(rate, 0.5, 0.0015 * rate) {}

void level_follower::observe(double level, std::size_t frames) {
  sum_ += level;
  ++callbacks_;
  frames_ += frames;
  if (frames_ < rate_ / 2) return;
  const double mean = sum_ / static_cast<double>(callbacks_);
  sum_ = 0.0;
  callbacks_ = frames_ = 0;
  // A device keeps filling its own buffers for a while after it starts: the level held is the one
  // of the third window.
  if (++windows_ < 3) return;
  if (setpoint_ < 0.0) {
    setpoint_ = mean;  // where it settled after the start
    return;
  }
  loop_.update(mean - setpoint_);  // positive: the buffer fills, the card runs slow
}

void level_follower::restart() {
  loop_.reset();
  setpoint_ = -1.0;
  windows_ = 0;
  sum_ = 0.0;
  callbacks_ = frames_ = 0;
}

}  // namespace mixmatrix::mixer
