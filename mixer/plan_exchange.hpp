#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "mixer/mix_plan.hpp"

namespace mixmatrix::mixer {

/// Hands immutable plans from the control thread to the engine without a lock. The control
/// thread owns every plan and frees one only when it is neither the newest nor the one the
/// engine announced it is using (a hazard pointer), so the engine never frees or waits.
class plan_exchange {
 public:
  plan_exchange() = default;
  plan_exchange(const plan_exchange&) = delete;
  plan_exchange& operator=(const plan_exchange&) = delete;

  /// Control thread: makes `plan` the newest and frees plans the engine no longer uses. Allocates.
  void publish(std::shared_ptr<const mix_plan> plan);
  /// Control thread: frees plans the engine no longer uses.
  void collect();
  /// Control thread: how many plans are still held (the newest, the one in use, retired ones).
  std::size_t held() const { return owned_.size(); }

  /// Engine thread: the newest plan, now marked as in use (null before the first publish).
  /// Wait-free in practice: it retries only while a publish races it.
  const mix_plan* acquire();

 private:
  std::atomic<const mix_plan*> newest_{nullptr};
  std::atomic<const mix_plan*> in_use_{nullptr};
  std::vector<std::shared_ptr<const mix_plan>> owned_;
};

}  // namespace mixmatrix::mixer
