#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "mixer/engine_config.hpp"
#include "mixer/plan_exchange.hpp"

namespace mixmatrix::mixer {

/// The mixing engine: one call of process_block() computes one block of every channel in the
/// current plan: each input is rendered and published, then each mix, in topological order, sums
/// its sources with ramped gains in float and is published saturated to int16 (a channel's blocks
/// are published only while something reads them). It knows no clock; whoever calls it (a
/// real-time thread, a test) decides when.
class engine {
 public:
  /// An engine for `config`; allocates all its scratch storage here.
  explicit engine(const engine_config& config);

  /// Where the control thread publishes plans.
  plan_exchange& plans() { return plans_; }
  /// Engine thread: computes and publishes one block. No allocation, no lock, no I/O.
  void process_block();
  /// Any thread: blocks processed so far.
  std::uint64_t blocks() const { return blocks_.load(std::memory_order_relaxed); }
  /// The configuration the engine runs with.
  const engine_config& config() const { return config_; }

 private:
  void publish(channel& ch, std::span<const std::int16_t> pcm);
  void process_mix(const mix_plan& plan, const mix_step& m);

  engine_config config_;
  plan_exchange plans_;
  std::vector<std::int16_t> pcm_;
  std::vector<std::int16_t> silence_;
  std::vector<const float*> sources_;  // one mix's steady crosspoints, gathered for kernels().mix
  std::vector<float> gains_;
  std::atomic<std::uint64_t> blocks_{0};
};

}  // namespace mixmatrix::mixer
