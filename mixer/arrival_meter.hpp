#pragma once

#include <array>
#include <cstddef>

namespace mixmatrix::mixer {

/// Measures how a sender's bytes arrive, to size the buffer that plays them without a gap: each
/// read's length (a packet, or what TCP coalesced) and its lateness against the sender's own pace
/// (arrival time less the bytes so far at real time), whose spread is the arrival jitter. Kept in
/// one-second buckets over the last thirty seconds, so that an offset of the sender's clock hardly
/// counts as jitter; the first second (a start's disorder: queued audio sent at once) shows no
/// jitter (the caller's margin for a start stands for it) and its longest read counts only until
/// the next second, and a second that brought far more than real time (a sender paced by TCP, not
/// by a clock) says nothing about jitter and is left out.
/// Pure: the caller gives the time; no allocation.
class arrival_meter {
 public:
  /// For a stream of `bytes_per_second`.
  explicit arrival_meter(double bytes_per_second) : rate_(bytes_per_second) {}

  /// Forgets everything (a new sender).
  void reset();
  /// `bytes` arrived at `now` (seconds, any epoch, never decreasing).
  void arrived(std::size_t bytes, double now);
  /// Seconds of buffer a steady reader needs: the longest read plus the arrival spread, over the
  /// buckets that count, but for the worst one once five count (one stall is not jitter); 0 before
  /// anything arrived.
  double needed() const;
  /// Seconds since the first arrival.
  double observed() const { return started_ ? latest_ - start_ : 0.0; }
  /// Seconds of the longest read in the last thirty seconds.
  double longest() const;

 private:
  struct bucket {
    long second = -1;  // since the first arrival; -1: unused
    double earliest = 0.0;
    double latest = 0.0;
    double longest = 0.0;  // seconds of the longest read
    double bytes = 0.0;
  };

  bool counts(const bucket& b, long newest) const;

  double rate_;
  double start_ = 0.0;
  double latest_ = 0.0;  // the last arrival's time
  double total_ = 0.0;  // bytes so far
  long newest_ = -1;    // the last arrival's second since the first
  bool started_ = false;
  std::array<bucket, 30> buckets_{};
};

}  // namespace mixmatrix::mixer
