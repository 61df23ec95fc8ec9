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
  buckets_.fill(bucket{});
}

void arrival_meter::arrived(std::size_t bytes, double now) {
  if (!started_) {
    started_ = true;
    start_ = now;
  }
  latest_ = now;
  const auto second = static_cast<long>(std::floor(now - start_));
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

double arrival_meter::longest() const {
  double longest = 0.0;
  for (const bucket& b : buckets_) longest = std::max(longest, b.second < 0 ? 0.0 : b.longest);
  return longest;
}

double arrival_meter::needed() const {
  // The largest need of the seconds that count, and the next: once there are a few, one second
  // alone (a stall) is no jitter to size for, and is not kept for thirty seconds.
  double need = 0.0;
  double next = 0.0;
  std::size_t counted = 0;
  long newest = -1;
  for (const bucket& b : buckets_) newest = std::max(newest, b.second);
  for (const bucket& b : buckets_) {
    if (b.second < 0 || b.second + static_cast<long>(buckets_.size()) <= newest) continue;
    // Far more than real time: unpaced, TCP held it back (the newest second so far as it went).
    const double span = b.second == newest ? std::max(0.1, latest_ - start_ - static_cast<double>(b.second)) : 1.0;
    if (b.bytes > 1.5 * rate_ * span + b.longest * rate_) continue;
    const double here = b.longest + (b.latest - b.earliest);
    next = std::max(next, std::min(need, here));
    need = std::max(need, here);
    ++counted;
  }
  return counted >= min_seconds_to_forget_one ? next : need;
}

}  // namespace mixmatrix::mixer
