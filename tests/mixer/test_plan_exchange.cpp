#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <thread>

#include "mixer/plan_exchange.hpp"

using namespace mixmatrix::mixer;

namespace {
// A plan whose routes vector doubles as a canary: its size is the plan's number.
std::shared_ptr<mix_plan> numbered_plan(std::uint32_t n) {
  auto plan = std::make_shared<mix_plan>();
  plan->routes.resize(n % 64 + 1, route_step{nullptr, nullptr, {static_cast<float>(n), static_cast<float>(n)}, 0});
  return plan;
}
}  // namespace

TEST_CASE("acquire returns the newest plan, and older plans are freed once unused") {
  plan_exchange e;
  CHECK(e.acquire() == nullptr);
  auto first = numbered_plan(1);
  std::weak_ptr<const mix_plan> first_watch = first;
  e.publish(first);
  first.reset();
  CHECK(e.acquire()->routes[0].target[0] == 1.0f);
  e.publish(numbered_plan(2));
  CHECK_FALSE(first_watch.expired());  // the engine still uses it
  CHECK(e.acquire()->routes[0].target[0] == 2.0f);
  e.collect();
  CHECK(first_watch.expired());
  CHECK(e.held() == 1);
}

TEST_CASE("plans published between two ticks are freed without the engine seeing them") {
  plan_exchange e;
  e.publish(numbered_plan(1));
  e.acquire();
  for (std::uint32_t n = 2; n < 100; ++n) e.publish(numbered_plan(n));
  CHECK(e.held() == 2);  // the one in use and the newest
}

TEST_CASE("plan_exchange stress: the engine never reads a freed plan") {
  plan_exchange e;
  e.publish(numbered_plan(0));
  std::atomic<bool> done{false};
  std::atomic<std::uint64_t> bad{0};
  std::thread engine([&] {
    std::uint64_t ticks = 0;
    while (!done) {
      const mix_plan* plan = e.acquire();
      const float n = plan->routes[0].target[0];  // ASan reports a use-after-free here if the design is wrong
      for (const auto& r : plan->routes) bad += r.target[0] != n || r.target[1] != n;
      ++ticks;
    }
  });
  for (std::uint32_t n = 1; n < 200000; ++n) {
    e.publish(numbered_plan(n));
    if (n % 7 == 0) e.collect();
  }
  done = true;
  engine.join();
  CHECK(bad == 0);
  CHECK(e.held() <= 2);
}
