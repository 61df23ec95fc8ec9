#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace mixmatrix::test {

/// Watches how late this machine wakes a thread that asks to wake every millisecond, at nice -10
/// as mixmatrixd's network thread runs: the stalls that thread suffers from the machine (the
/// hypervisor's, the kernel's, a loaded machine's; seen here beside two nice-19 busy loops: 28 ms
/// at nice -10, and 17 ms even at SCHED_FIFO; 59 ms beside a build). Timing tests compare what they
/// see against it: an underrun or a skip is the server's fault only where the machine did not
/// stall its network thread long enough to cause it.
class stall_watch {
 public:
  using clock = std::chrono::steady_clock;

  /// Starts watching.
  stall_watch();
  stall_watch(const stall_watch&) = delete;
  stall_watch& operator=(const stall_watch&) = delete;
  ~stall_watch();

  /// The longest stall (ms late) whose wake-up came between `from` and `to`; 0 if none.
  double longest_ms(clock::time_point from, clock::time_point to) const;

 private:
  void run();

  mutable std::mutex mutex_;
  std::vector<std::pair<clock::time_point, double>> stalls_;  // wake-ups 2 ms late or more
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace mixmatrix::test
