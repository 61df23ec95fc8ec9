#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "mixer/duck_envelope.hpp"
#include "mixer/engine_config.hpp"
#include "mixer/gain_ramp.hpp"
#include "mixer/kernels/kernel_set.hpp"
#include "mixer/plan_exchange.hpp"
#include "mixer/stereo_ramp.hpp"

namespace mixmatrix::mixer {

/// The mixing engine: one call of process_block() computes one block of every channel in the
/// current plan: each input is rendered and published, then each mix, in topological order, sums
/// its sources with ramped (and panned) gains in float, ducked crosspoints grouped under their
/// envelope; each mix-minus of it takes that sum less one crosspoint; each is published saturated
/// to int16 (a channel's blocks are published only while something reads them). It knows no
/// clock; whoever calls it (a real-time thread, a test) decides when.
class engine {
 public:
  /// An engine for `config`; allocates all its scratch storage here.
  explicit engine(const engine_config& config);

  /// Where the control thread publishes plans.
  plan_exchange& plans() { return plans_; }
  /// Engine thread: computes and publishes one block, whose first frame is played at `block_ns`
  /// (monotonic clock; 0: unknown). No allocation, no lock, no I/O.
  void process_block(std::int64_t block_ns = 0);
  /// Any thread: blocks processed so far.
  std::uint64_t blocks() const { return blocks_.load(std::memory_order_relaxed); }
  /// The configuration the engine runs with.
  const engine_config& config() const { return config_; }

 private:
  void publish(channel& ch, std::span<const std::int16_t> pcm);
  void record(channel& ch, const channel_levels& levels);
  void publish_silence(channel& ch);
  void process_mix(const mix_plan& plan, const mix_step& m);
  void process_minus(const mix_plan& plan, const mix_step& m, const minus_step& x);
  void add_route(const kernel_set& k, float* acc, const float* source, const stereo_ramp::segment& gain, float sign,
                 bool gather);
  void flush(const kernel_set& k, float* acc);
  void finish(channel& ch, const gain_ramp::segment& master);
  duck_envelope::segment envelope(const mix_plan& plan, const mix_step& m, std::uint32_t which) const;

  engine_config config_;
  plan_exchange plans_;
  std::vector<std::int16_t> pcm_;
  std::vector<std::int16_t> silence_;
  std::vector<const float*> sources_;  // a group's steady crosspoints, gathered for kernels().mix
  std::vector<float> gains_;
  std::size_t steady_ = 0;
  std::vector<const float*> panned_sources_;  // and its steady panned ones, for kernels().mix_stereo
  std::vector<float> left_;
  std::vector<float> right_;
  std::size_t panned_ = 0;
  std::vector<float> scratch_;  // a ducked group's sum, or the crosspoint a mix-minus takes out
  std::atomic<std::uint64_t> blocks_{0};
};

}  // namespace mixmatrix::mixer
