// Wire format conversion throughput: frames converted per second by decode_frames (wire to the
// backplane's s16 stereo, dithered where needed) and encode_frames (back), per format, in reads of
// 2048 frames as a sender session makes them, beside a memcpy of the backplane's bytes.

#include <benchmark/benchmark.h>

#include <cstring>
#include <random>
#include <vector>

#include "mixer/pcm_format.hpp"

using namespace mixmatrix::mixer;

namespace {

constexpr std::size_t frames = 2048;

// Wire bytes that need dither in the wider formats (random low bits); floats within full scale.
std::vector<std::byte> wire_of(pcm_format f) {
  std::mt19937 random(1);
  std::vector<std::byte> wire(frames * frame_bytes(f));
  if (f.encoding == sample_encoding::f32) {
    std::uniform_real_distribution<float> value(-1.0f, 1.0f);
    for (std::size_t i = 0; i < wire.size(); i += 4) {
      const float v = value(random);
      std::memcpy(wire.data() + i, &v, 4);
    }
  } else {
    for (auto& b : wire) b = static_cast<std::byte>(random());
  }
  return wire;
}

void bm_decode(benchmark::State& state, pcm_format f) {
  const auto wire = wire_of(f);
  std::vector<std::int16_t> out(frames * 2);
  dither_state dither;
  for (auto _ : state) {
    decode_frames(f, wire, out, dither);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(frames));
}

void bm_encode(benchmark::State& state, pcm_format f) {
  std::vector<std::int16_t> in(frames * 2, 1234);
  std::vector<std::byte> out(frames * frame_bytes(f));
  for (auto _ : state) {
    encode_frames(f, in, out);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(frames));
}

void bm_memcpy(benchmark::State& state) {
  std::vector<std::int16_t> in(frames * 2, 1234);
  std::vector<std::int16_t> out(frames * 2);
  for (auto _ : state) {
    std::memcpy(out.data(), in.data(), in.size() * 2);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(frames));
}

const struct named {
  const char* name;
  pcm_format format;
} formats[] = {{"s16le_2", {sample_encoding::s16, 2}},   {"s16le_1", {sample_encoding::s16, 1}},
               {"s24le_2", {sample_encoding::s24, 2}},   {"s24le_1", {sample_encoding::s24, 1}},
               {"s32le_2", {sample_encoding::s32, 2}},   {"s32le_1", {sample_encoding::s32, 1}},
               {"f32le_2", {sample_encoding::f32, 2}},   {"f32le_1", {sample_encoding::f32, 1}},
               {"s16be_2", {sample_encoding::s16be, 2}}, {"s24be_2", {sample_encoding::s24be, 2}}};

const bool registered = [] {
  benchmark::RegisterBenchmark("memcpy", bm_memcpy);
  for (const auto& f : formats) {
    benchmark::RegisterBenchmark((std::string("decode/") + f.name).c_str(), bm_decode, f.format);
    benchmark::RegisterBenchmark((std::string("encode/") + f.name).c_str(), bm_encode, f.format);
  }
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
