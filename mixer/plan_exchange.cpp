#include "mixer/plan_exchange.hpp"

#include <algorithm>

namespace mixmatrix::mixer {

// Sequentially consistent on purpose: publish stores newest_ then loads in_use_, acquire stores
// in_use_ then reloads newest_. In the single total order either the engine's reload sees the
// new plan (and retries), or the control thread's load sees the plan the engine marked.

void plan_exchange::publish(std::shared_ptr<const mix_plan> plan) {
  newest_.store(plan.get());
  owned_.push_back(std::move(plan));
  collect();
}

void plan_exchange::collect() {
  const mix_plan* newest = newest_.load();
  const mix_plan* in_use = in_use_.load();
  std::erase_if(owned_, [&](const auto& p) { return p.get() != newest && p.get() != in_use; });
}

const mix_plan* plan_exchange::acquire() {
  const mix_plan* plan = newest_.load();
  for (;;) {
    in_use_.store(plan);
    const mix_plan* again = newest_.load();
    if (again == plan) return plan;
    plan = again;
  }
}

}  // namespace mixmatrix::mixer
