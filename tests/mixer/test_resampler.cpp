#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

#include "mixer/kernels.hpp"
#include "mixer/rate_converter.hpp"
#include "mixer/resampler.hpp"
#include "tests/support/audio_analysis.hpp"

using namespace mixmatrix::mixer;
using mixmatrix::test::fit_tone;
using mixmatrix::test::tone_fit;

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

// The sine at `hz` fitted to the middle half of the left channel of `x` (full scale 1): its gain
// against `amplitude` and everything else against it.
struct fit {
  double gain_db;
  double other_db;
};

fit fit_sine(const std::vector<float>& x, double hz, double rate, double amplitude = 0.5) {
  const std::size_t frames = x.size() / 2;
  std::vector<double> left;
  for (std::size_t i = frames / 4; i < frames * 3 / 4; ++i) left.push_back(32768.0 * x[2 * i]);
  const tone_fit f = fit_tone(left, rate, hz);
  return {f.dbfs - 20 * std::log10(amplitude), f.rest_db};
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

TEST_CASE("drift ratios taken eight frames at a time give what one at a time gives, and read only what needed() sized") {
  constexpr std::size_t frames = 256;
  for (const std::uint32_t taps : {32u, 64u}) {
    const resample_filter filter(taps, 1.0);
    const double lead = taps / 2 - 1;  // where a restart puts the position
    for (const double step : {0.998, 0.9995, 0.99999, 1.00001, 1.0005, 1.002}) {
      for (const double start : {lead, lead + 0.25, lead + 0.999}) {
        // The input a resampler holds at `start`: the taps' lead before it, and exactly what the
        // block's last frame reads after it (a vector of that size, so ASan sees any read past it).
        const auto end = static_cast<std::size_t>(start + static_cast<double>(frames - 1) * step) + taps / 2 + 1;
        std::vector<float> in(2 * end);
        for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<float>(std::sin(0.37 * static_cast<double>(i)) * 0.8);
        for (const kernel_set* k : available_kernels()) {
          INFO("kernel set " << k->name << ", " << taps << " taps, step " << step << ", from " << start);
          std::vector<float> group(2 * frames), single(2 * frames);
          k->resample(in.data(), filter.table(), taps, filter.phases(), start, step, group.data(), frames);
          // Fewer frames than a group: one at a time.
          for (std::size_t n = 0; n < frames; ++n) {
            k->resample(in.data(), filter.table(), taps, filter.phases(), start + static_cast<double>(n) * step, step,
                        single.data() + 2 * n, 1);
          }
          for (std::size_t i = 0; i < group.size(); ++i) REQUIRE(std::abs(group[i] - single[i]) < 1e-3f);
        }
      }
    }
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

TEST_CASE("drift correction at +-1000 ppm is a clean change of rate, to 18 kHz") {
  for (const double ratio : {1.001, 0.999, 1.0001}) {
    for (const double hz : {1000.0, 10000.0, 18000.0}) {
      INFO("ratio " << ratio << ", " << hz << " Hz");
      const fit f = fit_sine(convert(sine(hz, 44100, 44100), ratio), hz * ratio, 44100);
      CHECK(std::abs(f.gain_db) < 0.1);
      CHECK(f.other_db < -80.0);
    }
  }
}

namespace {

// Converts all of `in` through a rate_converter in pieces of `piece` frames (0: random sizes).
std::vector<std::int16_t> convert_rate(const std::vector<std::int16_t>& in, std::uint32_t from, std::uint32_t to,
                                       std::size_t piece) {
  rate_converter c(from, to, 4096);
  std::vector<std::int16_t> out;
  std::mt19937 random(7);
  for (std::size_t at = 0; at < in.size();) {
    const std::size_t frames = std::min(piece ? piece : random() % 4097, (in.size() - at) / 2);
    const auto got = c.convert(std::span(in).subspan(at, 2 * frames));
    CHECK(got.size() <= 2 * c.max_output(frames));
    out.insert(out.end(), got.begin(), got.end());
    at += 2 * frames;
  }
  const auto rest = c.finish();
  out.insert(out.end(), rest.begin(), rest.end());
  return out;
}

std::vector<float> to_float(const std::vector<std::int16_t>& x) {
  std::vector<float> out(x.size());
  scalar_kernels().s16_to_float(x.data(), out.data(), x.size());
  return out;
}

}  // namespace

TEST_CASE("rate_converter gives the same stream however its input is cut, and as many frames as the rates say") {
  const auto in = sine(1000, 48000, 96000);
  const auto whole = convert_rate(in, 48000, 44100, 4096);
  CHECK(convert_rate(in, 48000, 44100, 0) == whole);
  CHECK(convert_rate(in, 48000, 44100, 1) == whole);
  CHECK(whole.size() / 2 == 88200);
  for (const std::uint32_t rate : {8000u, 11025u, 96000u, 192000u}) {
    INFO(rate << " Hz");
    CHECK(convert_rate(std::vector<std::int16_t>(2 * rate, 0), rate, 44100, 0).size() / 2 == 44100);
  }
}

TEST_CASE("rate_converter from 8, 22.05, 48, 96 and 192 kHz to 44.1 kHz: 1 kHz within 0.1 dB, the rest below -80 dB") {
  for (const std::uint32_t rate : {8000u, 22050u, 48000u, 96000u, 192000u}) {
    INFO(rate << " Hz");
    const fit f = fit_sine(to_float(convert_rate(sine(1000, rate, rate), rate, 44100, 0)), 1000, 44100);
    CHECK(std::abs(f.gain_db) < 0.1);
    CHECK(f.other_db < -80.0);
  }
}

TEST_CASE("rate_converter from 96 kHz removes what 44.1 kHz cannot hold instead of folding it down") {
  // 30 kHz would alias to 14.1 kHz; what comes out of it is at most quantization noise.
  const auto out = to_float(convert_rate(sine(30000, 96000, 96000, 0.9), 96000, 44100, 0));
  double power = 0;
  for (std::size_t i = out.size() / 4; i < out.size() * 3 / 4; ++i) power += static_cast<double>(out[i]) * out[i];
  const double rms = std::sqrt(power / static_cast<double>(out.size() / 2));
  CHECK(20 * std::log10(rms / 0.9) < -80.0);
}

TEST_CASE("rate_converter from 44.1 kHz to 48 kHz and back keeps 1 and 15 kHz within 0.1 dB, the rest below -80 dB") {
  for (const double hz : {1000.0, 15000.0}) {
    INFO(hz << " Hz");
    const auto there = convert_rate(sine(hz, 44100, 44100), 44100, 48000, 0);
    const fit f = fit_sine(to_float(convert_rate(there, 48000, 44100, 0)), hz, 44100);
    CHECK(std::abs(f.gain_db) < 0.1);
    CHECK(f.other_db < -80.0);
  }
}
