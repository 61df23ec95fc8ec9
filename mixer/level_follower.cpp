#include "mixer/level_follower.hpp"

namespace mixmatrix::mixer {

level_follower::level_follower(std::uint32_t rate) : rate_(rate), loop_(rate, 0.5, 0.0015 * rate) {}

void level_follower::observe(double level, std::size_t frames) {
  sum_ += level;
  ++callbacks_;
  frames_ += frames;
  if (frames_ >= rate_ / 2) close_window();
  played_ += static_cast<double>(frames);
  read_ += loop_.ratio() * static_cast<double>(frames);  // the ratio this callback reads at
}

void level_follower::close_window() {
  const double mean = sum_ / static_cast<double>(callbacks_);
  sum_ = 0.0;
  callbacks_ = frames_ = 0;
  // A device keeps filling its own buffers for a while after it starts: the level held is the one
  // of the third window.
  if (++windows_ < 3) return;
  if (setpoint_ < 0.0) setpoint_ = mean;  // where it settled after the start
  else loop_.update(mean - setpoint_);    // positive: the buffer fills, the card runs slow
  // Frames arrived less frames played, against frames played: the slope is the offset, whatever
  // the loop did meanwhile. Each window's mean level is noisy (a card's bursts); a line through
  // the last half minute of them is not.
  constexpr double forget = 0.98;  // a window's weight halves in 17 s: a crystal warms slowly
  const double x = played_;
  const double y = read_ + mean - played_;
  fit_ = {forget * fit_.weight + 1.0, forget * fit_.x + x, forget * fit_.y + y, forget * fit_.xx + x * x,
          forget * fit_.xy + x * y};
}

double level_follower::drift_ppm() const {
  const double variance = fit_.weight * fit_.xx - fit_.x * fit_.x;
  if (fit_.weight < 4.0 || variance <= 0.0) return loop_.offset() * 1e6;
  return (fit_.weight * fit_.xy - fit_.x * fit_.y) / variance * 1e6;
}

void level_follower::restart() {
  loop_.reset();
  setpoint_ = -1.0;
  windows_ = 0;
  sum_ = 0.0;
  callbacks_ = frames_ = 0;
  fit_ = {};
  played_ = read_ = 0.0;
}

}  // namespace mixmatrix::mixer
