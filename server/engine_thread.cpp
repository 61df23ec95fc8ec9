#include "server/engine_thread.hpp"

#include <pthread.h>
#include <sched.h>
#include <time.h>

namespace mixmatrix::server {
namespace {

using nanoseconds = std::int64_t;
constexpr nanoseconds second = 1'000'000'000;

nanoseconds monotonic_now() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * second + ts.tv_nsec;
}

void sleep_until(nanoseconds deadline) {
  const timespec ts{static_cast<time_t>(deadline / second), static_cast<long>(deadline % second)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) != 0) {
  }
}

// The start of frame `frames` after the origin, exact in integers (no rounding accumulates).
nanoseconds frame_time(std::uint64_t frames, std::uint32_t rate) {
  return static_cast<nanoseconds>(frames / rate) * second +
         static_cast<nanoseconds>((frames % rate) * static_cast<std::uint64_t>(second) / rate);
}

}  // namespace

bool engine_thread::start(int rt_priority, const block_signal& published) {
  thread_ = std::jthread([this, &published](const std::stop_token& stop) { run(stop, published); });
  if (rt_priority <= 0) return true;
  sched_param param{};
  param.sched_priority = rt_priority;
  return pthread_setschedparam(thread_.native_handle(), SCHED_FIFO, &param) == 0;
}

void engine_thread::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

void engine_thread::run(const std::stop_token& stop, const block_signal& published) {
  const auto& config = engine_.config();
  const nanoseconds period = frame_time(config.block_frames, config.rate);
  nanoseconds origin = monotonic_now();
  std::uint64_t frames = 0;
  nanoseconds busy = 0;
  nanoseconds window_start = origin;
  while (!stop.stop_requested()) {
    const nanoseconds deadline = origin + frame_time(frames, config.rate);
    sleep_until(deadline);
    const nanoseconds start = monotonic_now();
    if (start - deadline > period) {
      late_.fetch_add(1, std::memory_order_relaxed);
      if (start - deadline > second / 10) {  // a stall (suspend, debugger): start a new grid
        origin = start - frame_time(frames, config.rate);
      }
    }
    engine_.process_block(deadline);
    published.notify();
    frames += config.block_frames;
    const nanoseconds end = monotonic_now();
    busy += end - start;
    if (end - window_start >= second) {
      load_.store(static_cast<std::uint32_t>(busy * 1000 / (end - window_start)), std::memory_order_relaxed);
      busy = 0;
      window_start = end;
    }
  }
}

}  // namespace mixmatrix::server
