#include "mixer/resample_filter.hpp"

#include <cmath>
#include <map>
#include <mutex>
#include <numbers>
#include <stdexcept>

namespace mixmatrix::mixer {
namespace {

// The modified Bessel function of the first kind, order 0, by its series.
double bessel_i0(double x) {
  double sum = 1.0;
  double term = 1.0;
  for (int k = 1; k < 64 && term > 1e-17 * sum; ++k) {
    term *= (x / (2.0 * k)) * (x / (2.0 * k));
    sum += term;
  }
  return sum;
}

}  // namespace

resample_filter::resample_filter(std::uint32_t taps, double cutoff, double beta, std::uint32_t phases)
    : taps_(taps), phases_(phases), table_(std::size_t{4} * taps * phases) {
  if (taps < 8 || taps % 8 != 0 || phases < 1 || !(cutoff > 0.0 && cutoff <= 1.0)) {
    throw std::invalid_argument("resample_filter: taps a multiple of 8, cutoff in (0, 1]");
  }
  const double half = taps / 2.0;
  const double window_scale = 1.0 / bessel_i0(beta);
  // Row j is the filter for a position j/phases of a frame past a whole one; tap k reads the frame
  // k + 1 - taps/2 from that whole frame.
  auto row = [&](std::uint32_t j) {
    std::vector<double> h(taps);
    double sum = 0.0;
    for (std::uint32_t k = 0; k < taps; ++k) {
      const double t = static_cast<double>(k) + 1.0 - half - static_cast<double>(j) / phases;
      const double x = std::numbers::pi * cutoff * t;
      const double sinc = t == 0.0 ? 1.0 : std::sin(x) / x;
      const double r = t / half;
      const double window = r * r >= 1.0 ? 0.0 : bessel_i0(beta * std::sqrt(1.0 - r * r)) * window_scale;
      h[k] = cutoff * sinc * window;
      sum += h[k];
    }
    for (double& c : h) c /= sum;
    return h;
  };
  std::vector<double> here = row(0);
  for (std::uint32_t j = 0; j < phases; ++j) {
    const std::vector<double> next = row(j + 1);
    float* out = table_.data() + std::size_t{4} * taps * j;
    for (std::uint32_t k = 0; k < taps; ++k) {
      out[2 * k] = out[2 * k + 1] = static_cast<float>(here[k]);
      const auto difference = static_cast<float>(next[k] - here[k]);
      out[2 * taps + 2 * k] = out[2 * taps + 2 * k + 1] = difference;
    }
    here = next;
  }
  // Whole frames must copy exactly: without a cutoff row 0 is an impulse, to the last bit.
  if (cutoff == 1.0) {
    for (std::uint32_t k = 0; k < taps; ++k) table_[2 * k] = table_[2 * k + 1] = k + 1 == taps / 2 ? 1.0f : 0.0f;
  }
}

std::shared_ptr<const resample_filter> resample_filter::for_ratio(double ratio) {
  // Drift (within 1%) keeps the input's band whole; a rate conversion cuts below the lower
  // Nyquist frequency, with taps scaled so that the transition stays as wide at the output.
  const bool drift = std::abs(ratio - 1.0) < 0.01;
  const double down = drift ? 1.0 : std::max(1.0, ratio);
  const auto taps = drift ? 32u : static_cast<std::uint32_t>(std::ceil(64.0 * down / 8.0) * 8.0);
  const double cutoff = drift ? 1.0 : 0.995 / down;
  static std::mutex lock;
  static std::map<std::pair<std::uint32_t, double>, std::shared_ptr<const resample_filter>> filters;
  const std::scoped_lock hold(lock);
  auto& filter = filters[{taps, cutoff}];
  if (!filter) filter = std::make_shared<const resample_filter>(taps, cutoff);
  return filter;
}

}  // namespace mixmatrix::mixer
