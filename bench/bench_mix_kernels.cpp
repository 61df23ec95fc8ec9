// Mix-kernel throughput: input samples summed per second into one mix bus, for N sources per mix,
// with every kernel set this CPU runs, beside a memcpy of the same bytes, in one run.
// Blocks are 256 stereo frames (in cache), as the engine uses them.

#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "mixer/kernels.hpp"

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

const int registered = [] {
  for (const kernel_set* k : available_kernels()) {
    benchmark::RegisterBenchmark((std::string("mix/") + k->name).c_str(), bm_mix, k)->Arg(3)->Arg(16)->Arg(64)->Arg(256);
  }
  benchmark::RegisterBenchmark("mix/memcpy", bm_memcpy)->Arg(3)->Arg(16)->Arg(64)->Arg(256);
  for (const kernel_set* k : available_kernels()) {
    benchmark::RegisterBenchmark((std::string("block/") + k->name).c_str(), bm_block_pipeline, k)->Arg(3)->Arg(16)->Arg(64)->Arg(256);
  }
  return 0;
}();

}  // namespace

BENCHMARK_MAIN();
