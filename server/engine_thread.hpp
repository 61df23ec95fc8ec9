#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

#include "mixer/engine.hpp"
#include "server/block_signal.hpp"

namespace mixmatrix::server {

/// The engine's own clock: a thread that runs one engine block per period on absolute
/// deadlines of CLOCK_MONOTONIC (frame-exact, so it never drifts), counting late ticks (a block
/// started more than a period after its deadline) and its load. After a stall of over 100 ms
/// it restarts the grid rather than burst; after each block it notifies a block_signal (one
/// non-blocking write); it never allocates, locks or logs.
class engine_thread {
 public:
  /// Drives `engine`, which must outlive this object.
  explicit engine_thread(mixer::engine& engine) : engine_(engine) {}
  ~engine_thread() { stop(); }

  /// Starts the thread, at SCHED_FIFO `rt_priority` when above 0, notifying `published` after
  /// every block (it must outlive the thread); false when the system refused real-time scheduling
  /// (the thread then runs at normal priority).
  bool start(int rt_priority, const block_signal& published);
  /// Stops and joins the thread; idempotent.
  void stop();

  /// Any thread: blocks that started over a period late.
  std::uint64_t late_ticks() const { return late_.load(std::memory_order_relaxed); }
  /// Any thread: share of the last second the engine spent computing, in per mille.
  std::uint32_t load_permille() const { return load_.load(std::memory_order_relaxed); }

 private:
  void run(const std::stop_token& stop, const block_signal& published);

  mixer::engine& engine_;
  std::jthread thread_;
  std::atomic<std::uint64_t> late_{0};
  std::atomic<std::uint32_t> load_{0};
};

}  // namespace mixmatrix::server
