#pragma once

namespace mixmatrix::mixer {

/// The control loop that follows a foreign clock: from a buffer level's error (its mean over a
/// window, less its setpoint) it estimates the other clock's offset and sets the ratio a resampler
/// reads at, so that the level holds its setpoint. A PI loop with a deadband until it first acts
/// (while the error's recent mean is within it nothing changes, so a clock that matches ours leaves
/// the ratio at exactly 1),
/// and whose bandwidth
/// starts wide to lock within seconds and narrows while locked, for a steady ratio and a precise
/// estimate, as PipeWire's DLL does. Pure arithmetic: no allocation, no clock of its own.
class drift_loop {
 public:
  /// For windows of `period` seconds of a stream of `rate` frames a second; errors within
  /// `deadband` frames are none.
  drift_loop(double rate, double period, double deadband);

  /// Forgets the other clock: ratio 1, no estimate, the bandwidth wide again.
  void reset();
  /// Errors within `deadband` frames are none from now on (the level's noise changed).
  void set_deadband(double deadband) { deadband_ = deadband; }
  /// One window's error in frames (positive: the level is above its setpoint, the other clock runs
  /// fast); returns the ratio for the next window: input frames read per output frame.
  double update(double error);

  /// Input frames read per output frame: 1 + the estimate + the correction of the level.
  double ratio() const { return ratio_; }
  /// The other clock's estimated offset, as a fraction (1e-6 is 1 ppm fast).
  double offset() const { return offset_; }

 private:
  double rate_;
  double period_;
  double deadband_;
  double bandwidth_;  // the loop's natural frequency, rad/s
  double offset_ = 0.0;
  double ratio_ = 1.0;
  double settled_error_ = 0.0;  // the error's recent mean, for the deadband
};

}  // namespace mixmatrix::mixer
