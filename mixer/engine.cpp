#include "mixer/engine.hpp"

#include <algorithm>

#include "mixer/kernels.hpp"

namespace mixmatrix::mixer {
namespace {
bool silent(const gain_ramp::segment& g) {
  return g.from == 0.0f && g.to == 0.0f;
}
}  // namespace

engine::engine(const engine_config& config)
    : config_(config),
      pcm_(config.block_samples()),
      silence_(config.block_samples(), 0),
      sources_(config.max_channels),
      gains_(config.max_channels),
      panned_sources_(config.max_channels),
      left_(config.max_channels),
      right_(config.max_channels),
      scratch_(config.block_samples()) {}

void engine::publish(channel& ch, std::span<const std::int16_t> pcm) {
  // Most inputs of a large scene are only mixed, never listened to: their history stays cold.
  if (ch.output().has_readers()) ch.output().publish(pcm);
  ch.counters().frames.fetch_add(config_.block_frames, std::memory_order_relaxed);
}

void engine::record(channel& ch, const channel_levels& levels) {
  ch.meter().record(levels);
  ch.set_block_peak(std::max(levels.peak[0], levels.peak[1]));
}

void engine::publish_silence(channel& ch) {
  record(ch, channel_levels{{0.0f, 0.0f}, {0.0f, 0.0f}});
  publish(ch, silence_);
}

void engine::process_block(std::int64_t block_ns) {
  const kernel_set& k = kernels();
  if (const mix_plan* plan = plans_.acquire()) {
    for (input_channel* in : plan->inputs) {
      in->render(pcm_, block_ns);
      publish(*in, pcm_);
      k.s16_to_float(pcm_.data(), in->bus().data(), pcm_.size());
      record(*in, k.measure(in->bus().data(), pcm_.size()));
    }
    for (const mix_step& m : plan->mixes) process_mix(*plan, m);
  }
  blocks_.fetch_add(1, std::memory_order_relaxed);
}

duck_envelope::segment engine::envelope(const mix_plan& plan, const mix_step& m, std::uint32_t which) const {
  // Several ducks combine by the deepest, at the block's boundaries.
  duck_envelope::segment env{1.0f, 1.0f};
  if (which == 0) return env;
  for (std::uint32_t d = 0; d < m.duck_count; ++d) {
    if (which == 2 + d) continue;
    const auto& last = plan.ducks[m.first_duck + d].envelope->last();
    env = {std::min(env.from, last.from), std::min(env.to, last.to)};
  }
  return env;
}

void engine::add_route(const kernel_set& k, float* acc, const float* source, const stereo_ramp::segment& g,
                       float sign, bool gather) {
  // `sign` -1 takes the crosspoint out again (a mix-minus) with exactly the gains it went in with.
  const std::size_t samples = config_.block_samples();
  const float to[2] = {sign * g.to[0], sign * g.to[1]};
  const bool mono = g.mono();
  if (g.frames == 0) {
    if (to[0] == 0.0f && to[1] == 0.0f) return;
    if (gather && mono) {
      sources_[steady_] = source;
      gains_[steady_++] = to[0];
    } else if (gather) {
      panned_sources_[panned_] = source;
      left_[panned_] = to[0];
      right_[panned_++] = to[1];
    } else if (mono) {
      k.mix(acc, &source, &to[0], 1, samples);
    } else {
      k.mix_stereo(acc, &source, &to[0], &to[1], 1, samples);
    }
    return;
  }
  // A ramp over the first frames of the block, then its end values for the rest.
  const std::size_t ramped = 2 * std::size_t{g.frames};
  if (mono) {
    k.mix_ramp(acc, source, ramped, sign * g.from[0], to[0]);
  } else {
    k.mix_ramp_stereo(acc, source, ramped, sign * g.from[0], to[0], sign * g.from[1], to[1]);
  }
  if (ramped == samples || (to[0] == 0.0f && to[1] == 0.0f)) return;
  const float* rest = source + ramped;
  if (mono) {
    k.mix(acc + ramped, &rest, &to[0], 1, samples - ramped);
  } else {
    k.mix_stereo(acc + ramped, &rest, &to[0], &to[1], 1, samples - ramped);
  }
}

void engine::flush(const kernel_set& k, float* acc) {
  const std::size_t samples = config_.block_samples();
  k.mix(acc, sources_.data(), gains_.data(), steady_, samples);
  if (panned_) k.mix_stereo(acc, panned_sources_.data(), left_.data(), right_.data(), panned_, samples);
  steady_ = panned_ = 0;
}

void engine::finish(channel& ch, const gain_ramp::segment& master) {
  const kernel_set& k = kernels();
  auto bus = ch.bus();
  const std::size_t ramped = 2 * std::size_t{master.frames};
  k.apply_gain(bus.data(), ramped, master.from, master.to);
  k.apply_gain(bus.data() + ramped, bus.size() - ramped, master.to, master.to);
  record(ch, k.measure(bus.data(), bus.size()));  // before saturation: peaks above 0 dBFS show
  const std::uint64_t clips = k.float_to_s16(bus.data(), pcm_.data(), bus.size());
  if (clips) ch.counters().clips.fetch_add(clips, std::memory_order_relaxed);
  publish(ch, pcm_);
}

void engine::process_mix(const mix_plan& plan, const mix_step& m) {
  const kernel_set& k = kernels();
  const std::uint32_t block = config_.block_frames;
  const std::uint32_t ramp = config_.ramp_frames();
  const auto master = m.master->advance(m.master_target, block, ramp);
  // The sum is wanted while the mix or one of its mix-minuses can be heard this block.
  bool wanted = !silent(master);
  for (std::uint32_t i = m.first_minus; i < m.first_minus + m.minus_count; ++i) {
    wanted = wanted || plan.minuses[i].master->current() != 0.0f || plan.minuses[i].master_target != 0.0f;
  }
  if (!wanted) {
    publish_silence(*m.mix);
    for (std::uint32_t i = m.first_minus; i < m.first_minus + m.minus_count; ++i)
      publish_silence(*plan.minuses[i].mix);
    return;
  }
  auto bus = m.mix->bus();
  std::fill(bus.begin(), bus.end(), 0.0f);
  for (std::uint32_t d = m.first_duck; d < m.first_duck + m.duck_count; ++d) {
    const duck_step& duck = plan.ducks[d];
    duck.envelope->advance(duck.key ? duck.key->block_peak() : 0.0f, duck.settings, block);
  }
  // Routes come grouped by envelope: each ducked group is summed apart, then enveloped once.
  std::uint32_t r = m.first_route;
  const std::uint32_t end = m.first_route + m.route_count;
  while (r < end) {
    const std::uint32_t which = plan.routes[r].envelope;
    const auto env = envelope(plan, m, which);
    float* acc = env.idle() ? bus.data() : scratch_.data();
    if (!env.idle()) std::fill(scratch_.begin(), scratch_.end(), 0.0f);
    for (; r < end && plan.routes[r].envelope == which; ++r) {
      const route_step& step = plan.routes[r];
      const auto gain = step.gain->advance(step.target[0], step.target[1], block, ramp);
      add_route(k, acc, step.source->bus().data(), gain, 1.0f, true);
    }
    flush(k, acc);
    if (!env.idle()) k.mix_ramp(bus.data(), scratch_.data(), bus.size(), env.from, env.to);
  }
  for (std::uint32_t i = m.first_minus; i < m.first_minus + m.minus_count; ++i)
    process_minus(plan, m, plan.minuses[i]);
  if (silent(master)) return publish_silence(*m.mix);
  finish(*m.mix, master);
}

void engine::process_minus(const mix_plan& plan, const mix_step& m, const minus_step& x) {
  const kernel_set& k = kernels();
  const auto master = x.master->advance(x.master_target, config_.block_frames, config_.ramp_frames());
  if (silent(master)) return publish_silence(*x.mix);
  const auto sum = m.mix->bus();
  auto out = x.mix->bus();
  if (x.route == no_route) {
    std::copy(sum.begin(), sum.end(), out.begin());
    return finish(*x.mix, master);
  }
  // The crosspoint is taken out with the gains and envelope it went in with this block, whatever
  // the mix's size: one subtraction.
  const route_step& r = plan.routes[x.route];
  const stereo_ramp::segment& g = r.gain->last();
  const float* source = r.source->bus().data();
  const auto env = envelope(plan, m, r.envelope);
  if (env.idle() && g.frames == 0 && g.mono()) {
    k.mix_into(out.data(), sum.data(), source, -g.to[0], out.size());
  } else if (env.idle()) {
    std::copy(sum.begin(), sum.end(), out.begin());
    add_route(k, out.data(), source, g, -1.0f, false);
  } else {
    std::copy(sum.begin(), sum.end(), out.begin());
    std::fill(scratch_.begin(), scratch_.end(), 0.0f);
    add_route(k, scratch_.data(), source, g, -1.0f, false);
    k.mix_ramp(out.data(), scratch_.data(), out.size(), env.from, env.to);
  }
  finish(*x.mix, master);
}

}  // namespace mixmatrix::mixer
