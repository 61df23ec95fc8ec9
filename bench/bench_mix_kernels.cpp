// Mix-kernel throughput: input samples summed per second into one mix bus, for N sources per mix,
// with every kernel set this CPU runs, beside a memcpy of the same bytes, in one run; the same
// with per-channel gains (pan) and under a duck's envelope; 64 mix-minus outputs of one 64-source
// mix against 64 separate 63-source mixes; and the whole engine with and without those outputs.
// Blocks are 256 stereo frames (in cache), as the engine uses them.

#include <benchmark/benchmark.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "mixer/block_cursor.hpp"
#include "mixer/engine.hpp"
#include "mixer/kernels.hpp"
#include "mixer/matrix.hpp"

using namespace mixmatrix::mixer;

namespace {

constexpr std::size_t samples = 512;

struct sources {
  explicit sources(std::size_t n) : data(n, std::vector<float>(samples, 0.25f)), gains(n, 0.5f) {
    for (auto& d : data) pointers.push_back(d.data());
  }
  std::vector<std::vector<float>> data;
  std::vector<const float*> pointers;
  std::vector<float> gains;
};

void bm_mix(benchmark::State& state, const kernel_set* k) {
  const auto n = static_cast<std::size_t>(state.range(0));
  sources in(n);
  std::vector<float> bus(samples, 0.0f);
  for (auto _ : state) {
    k->mix(bus.data(), in.pointers.data(), in.gains.data(), n, samples);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n * samples));
}

void bm_memcpy(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  sources in(n);
  std::vector<float> out(samples);
  for (auto _ : state) {
    for (std::size_t s = 0; s < n; ++s) std::memcpy(out.data(), in.pointers[s], samples * sizeof(float));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n * samples));
}

void bm_block_pipeline(benchmark::State& state, const kernel_set* k) {
  // One whole mix block as the engine runs it: N sources summed, master gain, saturate to int16.
  const auto n = static_cast<std::size_t>(state.range(0));
  sources in(n);
  std::vector<float> bus(samples);
  std::vector<std::int16_t> pcm(samples);
  for (auto _ : state) {
    std::fill(bus.begin(), bus.end(), 0.0f);
    k->mix(bus.data(), in.pointers.data(), in.gains.data(), n, samples);
    k->apply_gain(bus.data(), samples, 0.7f, 0.7f);
    benchmark::DoNotOptimize(k->float_to_s16(bus.data(), pcm.data(), samples));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n * samples));
}

void bm_mix_panned(benchmark::State& state, const kernel_set* k) {
  // Every crosspoint panned: a gain per channel.
  const auto n = static_cast<std::size_t>(state.range(0));
  sources in(n);
  std::vector<float> right(n, 0.35f);
  std::vector<float> bus(samples, 0.0f);
  for (auto _ : state) {
    k->mix_stereo(bus.data(), in.pointers.data(), in.gains.data(), right.data(), n, samples);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n * samples));
}

void bm_mix_ducked(benchmark::State& state, const kernel_set* k) {
  // Every crosspoint under a moving duck envelope, as the engine does it: the group summed apart,
  // then the envelope applied to the group's sum once.
  const auto n = static_cast<std::size_t>(state.range(0));
  sources in(n);
  std::vector<float> group(samples);
  std::vector<float> bus(samples, 0.0f);
  for (auto _ : state) {
    std::fill(group.begin(), group.end(), 0.0f);
    k->mix(group.data(), in.pointers.data(), in.gains.data(), n, samples);
    k->mix_ramp(bus.data(), group.data(), samples, 0.9f, 0.8f);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n * samples));
}

// 64 callers: one 64-source mix and 64 mix-minus outputs (each the sum less one caller, then
// master gain and saturation), against 64 separate 63-source mixes with the same finish. Items
// are output blocks. range(0) = 1 includes each output's master and saturation; 0 is sums only.
constexpr std::size_t callers = 64;

void bm_minus_outputs(benchmark::State& state, const kernel_set* k) {
  const bool finish = state.range(0) != 0;
  sources in(callers);
  std::vector<float> sum(samples);
  std::vector<std::vector<float>> outs(callers, std::vector<float>(samples));
  std::vector<std::int16_t> pcm(samples);
  for (auto _ : state) {
    std::fill(sum.begin(), sum.end(), 0.0f);
    k->mix(sum.data(), in.pointers.data(), in.gains.data(), callers, samples);
    for (std::size_t c = 0; c < callers; ++c) {
      k->mix_into(outs[c].data(), sum.data(), in.pointers[c], -in.gains[c], samples);
      if (!finish) continue;
      k->apply_gain(outs[c].data(), samples, 0.7f, 0.7f);
      benchmark::DoNotOptimize(k->float_to_s16(outs[c].data(), pcm.data(), samples));
    }
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(callers));
}

void bm_separate_mixes(benchmark::State& state, const kernel_set* k) {
  const bool finish = state.range(0) != 0;
  sources in(callers);
  std::vector<std::vector<const float*>> others(callers);
  for (std::size_t c = 0; c < callers; ++c) {
    for (std::size_t s = 0; s < callers; ++s) {
      if (s != c) others[c].push_back(in.pointers[s]);
    }
  }
  std::vector<std::vector<float>> outs(callers, std::vector<float>(samples));
  std::vector<std::int16_t> pcm(samples);
  for (auto _ : state) {
    for (std::size_t c = 0; c < callers; ++c) {
      std::fill(outs[c].begin(), outs[c].end(), 0.0f);
      k->mix(outs[c].data(), others[c].data(), in.gains.data(), callers - 1, samples);
      if (!finish) continue;
      k->apply_gain(outs[c].data(), samples, 0.7f, 0.7f);
      benchmark::DoNotOptimize(k->float_to_s16(outs[c].data(), pcm.data(), samples));
    }
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(callers));
}

// The whole engine, one block per iteration, with every output read (published): 64 tone inputs
// into MAIN (range(0) 0), plus 64 mix-minuses of it (1), or instead 64 mixes of 63 (2). The
// counter load_pct is the block's time against its real-time period (256 frames at 44.1 kHz).
void bm_engine(benchmark::State& state) {
  mixmatrix::mixer::engine_config config;
  config.ramp_ms = 1;
  mixmatrix::mixer::engine eng(config);
  mixmatrix::mixer::matrix m(config);
  std::vector<std::string> names;
  for (std::size_t c = 0; c < callers; ++c) {
    names.push_back("C" + std::to_string(c));
    m.add_input(std::make_shared<mixmatrix::mixer::input_channel>(names.back(), config, 200.0 + 10.0 * static_cast<double>(c), -40.0));
  }
  const auto shape = state.range(0);
  if (shape != 2) {
    m.add_mix("MAIN");
    for (const auto& name : names) m.route("MAIN", name, -3);
  }
  for (const auto& name : names) {
    if (shape == 1) m.add_minus(name + "_FEED", "MAIN", name);
    if (shape != 2) continue;
    m.add_mix(name + "_FEED");
    for (const auto& other : names) {
      if (other != name) m.route(name + "_FEED", other, -3);
    }
  }
  std::vector<std::unique_ptr<mixmatrix::mixer::block_cursor>> readers;
  for (const auto& name : m.names()) {
    if (m.find_mix(name)) readers.push_back(std::make_unique<mixmatrix::mixer::block_cursor>(m.find(name)->output()));
  }
  eng.plans().publish(m.compile());
  for (int b = 0; b < 10; ++b) eng.process_block();  // ramps settled, history pages touched
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) eng.process_block();
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  // The per cent of real time one block takes: its time over its period (256 frames at 44.1 kHz).
  state.counters["load_pct"] = 100.0 * elapsed.count() / (static_cast<double>(state.iterations()) * 256.0 / 44100.0);
}

const int registered = [] {
  for (const kernel_set* k : available_kernels()) {
    benchmark::RegisterBenchmark((std::string("mix/") + k->name).c_str(), bm_mix, k)->Arg(3)->Arg(16)->Arg(64)->Arg(256);
  }
  benchmark::RegisterBenchmark("mix/memcpy", bm_memcpy)->Arg(3)->Arg(16)->Arg(64)->Arg(256);
  for (const kernel_set* k : available_kernels()) {
    benchmark::RegisterBenchmark((std::string("block/") + k->name).c_str(), bm_block_pipeline, k)->Arg(3)->Arg(16)->Arg(64)->Arg(256);
  }
  for (const kernel_set* k : available_kernels()) {
    benchmark::RegisterBenchmark((std::string("mix_panned/") + k->name).c_str(), bm_mix_panned, k)->Arg(16)->Arg(64);
    benchmark::RegisterBenchmark((std::string("mix_ducked/") + k->name).c_str(), bm_mix_ducked, k)->Arg(16)->Arg(64);
  }
  for (const kernel_set* k : available_kernels()) {
    benchmark::RegisterBenchmark((std::string("callers64/minus_outputs/") + k->name).c_str(), bm_minus_outputs, k)->Arg(0)->Arg(1);
    benchmark::RegisterBenchmark((std::string("callers64/separate_mixes/") + k->name).c_str(), bm_separate_mixes, k)->Arg(0)->Arg(1);
  }
  benchmark::RegisterBenchmark("engine/64_tones_into_MAIN", bm_engine)->Arg(0);
  benchmark::RegisterBenchmark("engine/and_64_mix_minus_outputs", bm_engine)->Arg(1);
  benchmark::RegisterBenchmark("engine/64_tones_into_64_mixes_of_63", bm_engine)->Arg(2);
  return 0;
}();

}  // namespace

BENCHMARK_MAIN();
