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
  // Most inputs of a large scene are only mixed, never listened to: their history stays cold.
  if (ch.output().has_readers()) ch.output().publish(pcm);
  ch.counters().frames.fetch_add(config_.block_frames, std::memory_order_relaxed);
}

void engine::process_block() {
  const kernel_set& k = kernels();
  if (const mix_plan* plan = plans_.acquire()) {
    for (input_channel* in : plan->inputs) {
      in->render(pcm_);
      publish(*in, pcm_);
      k.s16_to_float(pcm_.data(), in->bus().data(), pcm_.size());
      in->meter().record(k.measure(in->bus().data(), pcm_.size()));
    }
    for (const mix_step& m : plan->mixes) process_mix(*plan, m);
  }
  blocks_.fetch_add(1, std::memory_order_relaxed);
}

void engine::process_mix(const mix_plan& plan, const mix_step& m) {
  const kernel_set& k = kernels();
  const std::uint32_t block = config_.block_frames;
  const std::uint32_t ramp = config_.ramp_frames();
  auto bus = m.mix->bus();
  std::fill(bus.begin(), bus.end(), 0.0f);
  const auto master = m.master->advance(m.master_target, block, ramp);
  if (master.from == 0.0f && master.to == 0.0f) {
    m.mix->meter().record(channel_levels{{0.0f, 0.0f}, {0.0f, 0.0f}});
    publish(*m.mix, silence_);
    return;
  }
  std::size_t steady = 0;
  for (std::uint32_t r = m.first_route; r < m.first_route + m.route_count; ++r) {
    const route_step& step = plan.routes[r];
    const auto gain = step.gain->advance(step.target, block, ramp);
    const float* source = step.source->bus().data();
    if (gain.frames == 0) {
      if (gain.to == 0.0f) continue;
      sources_[steady] = source;
      gains_[steady++] = gain.to;
      continue;
    }
    // A ramp over the first frames of the block, then its end value for the rest.
    const std::size_t ramped = 2 * std::size_t{gain.frames};
    k.mix_ramp(bus.data(), source, ramped, gain.from, gain.to);
    if (ramped < bus.size() && gain.to != 0.0f) {
      const float* rest = source + ramped;
      k.mix(bus.data() + ramped, &rest, &gain.to, 1, bus.size() - ramped);
    }
  }
  k.mix(bus.data(), sources_.data(), gains_.data(), steady, bus.size());
  const std::size_t ramped = 2 * std::size_t{master.frames};
  k.apply_gain(bus.data(), ramped, master.from, master.to);
  k.apply_gain(bus.data() + ramped, bus.size() - ramped, master.to, master.to);
  m.mix->meter().record(k.measure(bus.data(), bus.size()));  // before saturation: peaks above 0 dBFS show
  const std::uint64_t clips = k.float_to_s16(bus.data(), pcm_.data(), bus.size());
  if (clips) m.mix->counters().clips.fetch_add(clips, std::memory_order_relaxed);
  publish(*m.mix, pcm_);
}

}  // namespace mixmatrix::mixer
