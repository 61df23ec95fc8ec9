#include "mixer/engine.hpp"

#include <algorithm>

#include "mixer/kernels.hpp"

namespace mixmatrix::mixer {

engine::engine(const engine_config& config)
    : config_(config),
      pcm_(config.block_samples()),
      silence_(config.block_samples(), 0),
      sources_(config.max_channels),
      gains_(config.max_channels) {}

void engine::publish(channel& ch, std::span<const std::int16_t> pcm) {
  ch.output().publish(pcm);
  ch.counters().frames.fetch_add(config_.block_frames, std::memory_order_relaxed);
}

void engine::process_block() {
  const kernel_set& k = kernels();
  const mix_plan* plan = plans_.acquire();
  // Gains ramp only on the first block of a plan; after that every gain holds its target.
  const bool fresh = plan != current_;
  current_ = plan;
  if (plan) {
    for (input_channel* in : plan->inputs) {
      in->render(pcm_);
      publish(*in, pcm_);
      k.s16_to_float(pcm_.data(), in->bus().data(), pcm_.size());
      in->meter().record(k.measure(in->bus().data(), pcm_.size()));
    }
    for (const mix_step& m : plan->mixes) process_mix(*plan, m, fresh);
  }
  blocks_.fetch_add(1, std::memory_order_relaxed);
}

void engine::process_mix(const mix_plan& plan, const mix_step& m, bool fresh) {
  const kernel_set& k = kernels();
  auto bus = m.mix->bus();
  std::fill(bus.begin(), bus.end(), 0.0f);
  const float master_from = fresh ? m.master_from : m.master_to;
  if (master_from == 0.0f && m.master_to == 0.0f) {
    m.mix->meter().record(channel_levels{{0.0f, 0.0f}, {0.0f, 0.0f}});
    publish(*m.mix, silence_);
    return;
  }
  std::size_t steady = 0;
  for (std::uint32_t r = m.first_route; r < m.first_route + m.route_count; ++r) {
    const route_step& step = plan.routes[r];
    const float from = fresh ? step.from : step.to;
    if (from != step.to) {
      k.mix_ramp(bus.data(), step.source->bus().data(), bus.size(), from, step.to);
    } else if (step.to != 0.0f) {
      sources_[steady] = step.source->bus().data();
      gains_[steady++] = step.to;
    }
  }
  k.mix(bus.data(), sources_.data(), gains_.data(), steady, bus.size());
  k.apply_gain(bus.data(), bus.size(), master_from, m.master_to);
  m.mix->meter().record(k.measure(bus.data(), bus.size()));  // before saturation: peaks above 0 dBFS show
  const std::uint64_t clips = k.float_to_s16(bus.data(), pcm_.data(), bus.size());
  if (clips) m.mix->counters().clips.fetch_add(clips, std::memory_order_relaxed);
  publish(*m.mix, pcm_);
}

}  // namespace mixmatrix::mixer
