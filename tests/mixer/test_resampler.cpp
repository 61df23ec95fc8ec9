#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "mixer/kernels.hpp"
#include "mixer/resampler.hpp"

using namespace mixmatrix::mixer;

namespace {

std::vector<std::int16_t> sine(double hz, double rate, std::size_t frames, double amplitude = 0.5) {
  std::vector<std::int16_t> pcm(2 * frames);
  for (std::size_t i = 0; i < frames; ++i) {
    const auto v = static_cast<std::int16_t>(std::lround(amplitude * 32767.0 * std::sin(2 * std::numbers::pi * hz * static_cast<double>(i) / rate)));
    pcm[2 * i] = pcm[2 * i + 1] = v;
  }
  return pcm;
}

// Resamples all of `in` a block at a time at `ratio`, as an input does from its ring.
std::vector<float> convert(const std::vector<std::int16_t>& in, double ratio, std::size_t block = 256) {
  resampler r(resample_filter::for_ratio(ratio), block, ratio * 1.01);
  std::vector<float> out;
  std::vector<float> chunk(2 * block);
  std::size_t at = 0;
  for (;;) {
    const std::size_t need = r.needed(block, ratio);
    if (at + 2 * need > in.size()) break;
    r.append(std::span(in).subspan(at, 2 * need));
    at += 2 * need;
    r.produce(chunk, ratio);
    out.insert(out.end(), chunk.begin(), chunk.end());
  }
  return out;
}

std::vector<std::int16_t> to_s16(const std::vector<float>& x) {
  std::vector<std::int16_t> out(x.size());
  scalar_kernels().float_to_s16(x.data(), out.data(), x.size());
  return out;
}

struct fit {
  double gain_db;   // of the tone, against `amplitude`
  double other_db;  // everything else, against the tone
};

// Least squares fit of a sine at `hz` (any phase) over the middle half of the left channel.
fit fit_sine(const std::vector<float>& x, double hz, double rate, double amplitude = 0.5) {
  const std::size_t frames = x.size() / 2, from = frames / 4, to = frames * 3 / 4;
  double ss = 0, cc = 0, sc = 0, sx = 0, cx = 0;
  for (std::size_t i = from; i < to; ++i) {
    const double w = 2 * std::numbers::pi * hz * static_cast<double>(i) / rate;
    ss += std::sin(w) * std::sin(w);
    cc += std::cos(w) * std::cos(w);
    sc += std::sin(w) * std::cos(w);
    sx += std::sin(w) * x[2 * i];
    cx += std::cos(w) * x[2 * i];
  }
  const double det = ss * cc - sc * sc;
  const double a = (sx * cc - cx * sc) / det, b = (cx * ss - sx * sc) / det;
  double residual = 0;
  for (std::size_t i = from; i < to; ++i) {
    const double w = 2 * std::numbers::pi * hz * static_cast<double>(i) / rate;
    const double e = x[2 * i] - a * std::sin(w) - b * std::cos(w);
    residual += e * e;
  }
  const double power = (a * a + b * b) / 2;
  return {20 * std::log10(std::sqrt(a * a + b * b) / amplitude),
          10 * std::log10(residual / static_cast<double>(to - from) / power)};
}

}  // namespace

TEST_CASE("resampler at ratio 1 from a restart copies its input bit for bit") {
  const auto in = sine(997, 44100, 44100);
  std::vector<std::int16_t> history(in.begin(), in.begin() + 2 * 40);
  resampler r(resample_filter::for_ratio(1.0), 256, 1.01);
  r.restart(history);
  std::vector<float> block(512);
  std::size_t at = 80;
  for (int b = 0; b < 50; ++b) {
    const std::size_t need = r.needed(256, 1.0);
    r.append(std::span(in).subspan(at, 2 * need));
    at += 2 * need;
    r.produce(block, 1.0);
    const auto got = to_s16(block);
    for (std::size_t i = 0; i < got.size(); ++i) {
      REQUIRE(got[i] == in[80 + 512 * static_cast<std::size_t>(b) + i]);
    }
  }
}

TEST_CASE("every kernel set resamples as the scalar reference does, within float rounding") {
  const resample_filter filter(32, 0.9);
  std::vector<float> in(2 * 2000);
  for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<float>(std::sin(0.37 * static_cast<double>(i)) * 0.8);
  std::vector<float> want(2 * 1500), got(2 * 1500);
  const double end = scalar_kernels().resample(in.data(), filter.table(), 32, filter.phases(), 15.3, 1.0007, want.data(), 1500);
  for (const kernel_set* k : available_kernels()) {
    INFO("kernel set " << k->name);
    CHECK(k->resample(in.data(), filter.table(), 32, filter.phases(), 15.3, 1.0007, got.data(), 1500) == end);
    for (std::size_t i = 0; i < got.size(); ++i) REQUIRE(std::abs(got[i] - want[i]) < 1e-5f);
  }
}

TEST_CASE("48 kHz to 44.1 kHz and back: passband within 0.1 dB, everything else below -80 dB") {
  for (const double hz : {1000.0, 15000.0}) {
    INFO(hz << " Hz");
    const auto there = convert(sine(hz, 48000, 48000), 48000.0 / 44100.0);
    const auto back = convert(to_s16(there), 44100.0 / 48000.0);
    const fit f = fit_sine(back, hz, 48000);
    CHECK(std::abs(f.gain_db) < 0.1);
    CHECK(f.other_db < -80.0);
  }
}

TEST_CASE("44.1 kHz to 48 kHz keeps the band flat to 20 kHz") {
  for (const double hz : {100.0, 5000.0, 12000.0, 18000.0, 20000.0}) {
    INFO(hz << " Hz");
    const fit f = fit_sine(convert(sine(hz, 44100, 44100), 44100.0 / 48000.0), hz, 48000);
    CHECK(std::abs(f.gain_db) < 0.1);
    CHECK(f.other_db < -80.0);
  }
}

TEST_CASE("drift correction at +-1000 ppm is a clean change of rate") {
  for (const double ratio : {1.001, 0.999, 1.0001}) {
    for (const double hz : {1000.0, 10000.0}) {
      INFO("ratio " << ratio << ", " << hz << " Hz");
      const fit f = fit_sine(convert(sine(hz, 44100, 44100), ratio), hz * ratio, 44100);
      CHECK(std::abs(f.gain_db) < 0.1);
      CHECK(f.other_db < -80.0);
    }
  }
}
