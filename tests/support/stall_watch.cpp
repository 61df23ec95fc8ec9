#include "tests/support/stall_watch.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

namespace mixmatrix::test {

stall_watch::stall_watch() : thread_([this] { run(); }) {}

stall_watch::~stall_watch() {
  stop_ = true;
  thread_.join();
}

double stall_watch::longest_ms(clock::time_point from, clock::time_point to) const {
  std::lock_guard lock(mutex_);
  double longest = 0;
  for (const auto& [when, ms] : stalls_) {
    if (when >= from && when <= to) longest = std::max(longest, ms);
  }
  return longest;
}

void stall_watch::run() {
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), -10);
  auto due = clock::now();
  while (!stop_) {
    due += std::chrono::milliseconds(1);
    std::this_thread::sleep_until(due);
    const auto now = clock::now();
    const double late = std::chrono::duration<double, std::milli>(now - due).count();
    if (late >= 2) {
      std::lock_guard lock(mutex_);
      stalls_.emplace_back(now, late);
      due = now;  // a stall is counted once, not as every millisecond it swallowed
    }
  }
}

}  // namespace mixmatrix::test
