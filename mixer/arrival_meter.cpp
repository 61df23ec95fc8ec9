#include "mixer/arrival_meter.hpp"

#include <algorithm>
#include <cmath>

namespace mixmatrix::mixer {
namespace {
constexpr std::size_t min_seconds_to_forget_one = 5;
}  // namespace

void arrival_meter::reset() {
  started_ = false;
  total_ = 0.0;
  newest_ = -1;
  buckets_.fill(bucket{});
}

void arrival_meter::arrived(std::size_t bytes, double now) {
  if (!started_) {
    started_ = true;
    start_ = now;
  }
  latest_ = now;
  const auto second = static_cast<long>(std::floor(now - start_));
  newest_ = second;
  bucket& b = buckets_[static_cast<std::size_t>(second) % buckets_.size()];
  const double length = static_cast<double>(bytes) / rate_;
  // When the read's first byte was due at the sender's pace, against when it came.
  const double lateness = now - start_ - total_ / rate_;
  total_ += static_cast<double>(bytes);
  if (b.second != second) b = bucket{second, lateness, lateness, 0.0, 0.0};
  b.earliest = std::min(b.earliest, lateness);
  b.latest = std::max(b.latest, lateness);
  b.longest = std::max(b.longest, length);
  b.bytes += static_cast<double>(bytes);
}

bool arrival_meter::counts(const bucket& b, long newest) const {
  // The first second is the start's: queued audio sent at once, a sender's own start-up. Its reads
  // count only until the next second shows the sender's pace.
  return b.second >= 0 && b.second + static_cast<long>(buckets_.size()) > newest &&
         (b.second > 0 || newest == 0);
}

double arrival_meter::longest() const {
  double longest = 0.0;
  const long last = newest_;
  for (const bucket& b : buckets_) longest = std::max(longest, counts(b, last) ? b.longest : 0.0);
  return longest;
}

double arrival_meter::needed() const {
  // The largest need of the seconds that count, and the next: once there are a few, one second
  // alone (a stall) is no jitter to size for, and is not kept for thirty seconds.
  double need = 0.0;
  double next = 0.0;
  std::size_t counted = 0;
  const long newest = newest_;
  for (const bucket& b : buckets_) {
    if (!counts(b, newest)) continue;
    // Far more than real time: unpaced, TCP held it back (the newest second so far as it went).
    const double span = b.second == newest ? std::max(0.1, latest_ - start_ - static_cast<double>(b.second)) : 1.0;
    if (b.bytes > 1.5 * rate_ * span + b.longest * rate_) continue;
    // The first second's spread is a start's (audio queued before the sender connected, sent at
    // once, looks like 40 ms of jitter to the packets after it): the start's margin stands for it.
    const double here = b.longest + (b.second == 0 ? 0.0 : b.latest - b.earliest);
    next = std::max(next, std::min(need, here));
    need = std::max(need, here);
    ++counted;
  }
  return counted >= min_seconds_to_forget_one ? next : need;
}

}  // namespace mixmatrix::mixer
