// Resampler cost per input per block: 256 stereo output frames, as the engine renders an input,
// for our polyphase kernel (every kernel set this CPU runs) and for the two candidate libraries
// (speexdsp at qualities 0, 3 and 5; libsoxr variable-rate at high quality, and fixed-rate for
// 48 kHz -> 44.1 kHz), at drift ratios 1 +- 0.0005 (the ratio changed every block, as a control
// loop does) and for 48 kHz -> 44.1 kHz; beside the mix kernel summing one source in the same run.
//   bench_resampler [SECONDS_PER_FIGURE]

#include <soxr.h>
#include <speex/speex_resampler.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mixer/kernels.hpp"
#include "mixer/resampler.hpp"

using namespace mixmatrix::mixer;

namespace {

constexpr std::size_t block = 256;
double seconds_per_figure = 0.5;

// Microseconds per call of `run`, over seconds_per_figure.
double time_us(const std::function<void()>& run) {
  using clock = std::chrono::steady_clock;
  for (int i = 0; i < 50; ++i) run();  // warm
  std::size_t calls = 0;
  const auto start = clock::now();
  auto now = start;
  while (now - start < std::chrono::duration<double>(seconds_per_figure)) {
    for (int i = 0; i < 64; ++i) run();
    calls += 64;
    now = clock::now();
  }
  return std::chrono::duration<double, std::micro>(now - start).count() / static_cast<double>(calls);
}

// An input signal long enough to stream through, looped.
struct signal {
  signal() : pcm(2 * 48000), floats(pcm.size()) {
    for (std::size_t i = 0; i < pcm.size() / 2; ++i) {
      pcm[2 * i] = static_cast<std::int16_t>(12000 * std::sin(0.05 * static_cast<double>(i)));
      pcm[2 * i + 1] = static_cast<std::int16_t>(9000 * std::cos(0.031 * static_cast<double>(i)));
    }
    for (std::size_t i = 0; i < pcm.size(); ++i) floats[i] = pcm[i] / 32768.0f;
  }
  std::vector<std::int16_t> pcm;
  std::vector<float> floats;
  std::size_t at = 0;
  // The next `frames` frames (wrapping), as the ring would give them.
  std::size_t take(std::size_t frames) {
    if (at + frames > pcm.size() / 2) at = 0;
    const std::size_t from = at;
    at += frames;
    return from;
  }
};

// The ratio a control loop would set for block `n`: around `center`, never quite constant.
double steer(double center, std::size_t n) { return center * (1.0 + 1e-7 * static_cast<double>(n % 7)); }

double with_ours(double center, signal& s, bool vary) {
  resampler r(resample_filter::for_ratio(center), block, center * 1.01);
  std::vector<float> out(2 * block);
  std::size_t n = 0;
  return time_us([&] {
    const double ratio = vary ? steer(center, n++) : center;
    const std::size_t need = r.needed(block, ratio);
    r.append(std::span(s.pcm).subspan(2 * s.take(need), 2 * need));
    r.produce(out, ratio);
  });
}

double with_speex(int quality, double center, signal& s, bool vary) {
  int error = 0;
  const auto den = 1000000u;
  auto num = [&](double ratio) { return static_cast<spx_uint32_t>(std::lround(ratio * den)); };
  SpeexResamplerState* st = speex_resampler_init_frac(2, num(center), den, 48000, 44100, quality, &error);
  std::vector<float> out(2 * block);
  std::size_t n = 0;
  const double us = time_us([&] {
    if (vary) speex_resampler_set_rate_frac(st, num(steer(center, n++)), den, 48000, 44100);
    spx_uint32_t made = 0;
    while (made < block) {
      spx_uint32_t in_len = static_cast<spx_uint32_t>(static_cast<double>(block - made) * center) + 1;
      spx_uint32_t out_len = static_cast<spx_uint32_t>(block - made);
      speex_resampler_process_interleaved_float(st, s.floats.data() + 2 * s.at, &in_len, out.data() + 2 * made, &out_len);
      s.take(in_len);
      made += out_len;
    }
  });
  speex_resampler_destroy(st);
  return us;
}

double with_soxr(bool variable, double center, signal& s, bool vary) {
  soxr_error_t error = nullptr;
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t q = soxr_quality_spec(SOXR_HQ, variable ? SOXR_VR : 0);
  soxr_t x = soxr_create(variable ? 2.0 : center, 1.0, 2, &error, &io, &q, nullptr);
  if (variable) soxr_set_io_ratio(x, center, 0);
  std::vector<float> out(2 * block);
  std::size_t n = 0;
  const double us = time_us([&] {
    if (vary) soxr_set_io_ratio(x, steer(center, n++), 0);
    std::size_t made = 0;
    while (made < block) {
      std::size_t used = 0, got = 0;
      const auto in_len = static_cast<std::size_t>(static_cast<double>(block - made) * center) + 1;
      soxr_process(x, s.floats.data() + 2 * s.at, in_len, &used, out.data() + 2 * made, block - made, &got);
      s.take(used);
      made += got;
    }
  });
  soxr_delete(x);
  return us;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) seconds_per_figure = std::atof(argv[1]);
  signal s;
  std::vector<float> bus(2 * block, 0.0f), source(2 * block, 0.25f);
  const float* sources[] = {source.data()};
  const float gain = 0.5f;
  const double mix = time_us([&] { kernels().mix(bus.data(), sources, &gain, 1, 2 * block); });
  std::printf("per input per block of %zu frames, us (ratio to the mix kernel summing one source, %.3f us, %s)\n",
              block, mix, kernels().name);
  auto row = [&](const std::string& name, double drift_up, double drift_down, double rate) {
    std::printf("  %-26s drift 1.0005: %7.3f (%5.1fx)  drift 0.9995: %7.3f (%5.1fx)  48k->44.1k: %7.3f (%5.1fx)\n",
                name.c_str(), drift_up, drift_up / mix, drift_down, drift_down / mix, rate, rate / mix);
  };
  const double rate = 48000.0 / 44100.0;
  for (const kernel_set* k : available_kernels()) {
    select_kernels(k->name);
    row(std::string("ours (") + k->name + ")", with_ours(1.0005, s, true), with_ours(0.9995, s, true), with_ours(rate, s, false));
  }
  for (int q : {0, 3, 5}) {
    row("speexdsp q" + std::to_string(q), with_speex(q, 1.0005, s, true), with_speex(q, 0.9995, s, true), with_speex(q, rate, s, false));
  }
  row("libsoxr HQ variable (VR)", with_soxr(true, 1.0005, s, true), with_soxr(true, 0.9995, s, true), with_soxr(true, rate, s, false));
  const double fixed = with_soxr(false, rate, s, false);
  std::printf("  %-26s %60s 48k->44.1k: %7.3f (%5.1fx)\n", "libsoxr HQ fixed", "", fixed, fixed / mix);
  return 0;
}
