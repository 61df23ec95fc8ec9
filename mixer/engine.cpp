#include "mixer/engine.hpp"

#include <algorithm>

#include "mixer/mix_kernels.hpp"

namespace mixmatrix::mixer {

engine::engine(const engine_config& config)
    : config_(config), pcm_(config.block_samples()), silence_(config.block_samples(), 0) {}

void engine::publish(channel& ch, std::span<const std::int16_t> pcm) {
  ch.output().publish(pcm);
  ch.counters().frames.fetch_add(config_.block_frames, std::memory_order_relaxed);
}

void engine::process_block() {
  const mix_plan* plan = plans_.acquire();
  // Gains ramp only on the first block of a plan; after that every gain holds its target.
  const bool fresh = plan != current_;
  current_ = plan;
  if (plan) {
    for (input_channel* in : plan->inputs) {
      in->render(pcm_);
      publish(*in, pcm_);
      s16_to_float(pcm_, in->bus());
    }
    for (const mix_step& m : plan->mixes) {
      auto bus = m.mix->bus();
      std::fill(bus.begin(), bus.end(), 0.0f);
      const float master_from = fresh ? m.master_from : m.master_to;
      if (master_from == 0.0f && m.master_to == 0.0f) {
        publish(*m.mix, silence_);
        continue;
      }
      for (std::uint32_t r = m.first_route; r < m.first_route + m.route_count; ++r) {
        const route_step& step = plan->routes[r];
        const float from = fresh ? step.from : step.to;
        if (from == 0.0f && step.to == 0.0f) continue;
        accumulate(bus, step.source->bus(), from, step.to);
      }
      apply_gain(bus, master_from, m.master_to);
      const std::uint64_t clips = float_to_s16(bus, pcm_);
      if (clips) m.mix->counters().clips.fetch_add(clips, std::memory_order_relaxed);
      publish(*m.mix, pcm_);
    }
  }
  blocks_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace mixmatrix::mixer
