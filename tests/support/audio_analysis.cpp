#include "tests/support/audio_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <numbers>
#include <random>

namespace mixmatrix::test {

std::vector<double> channel_samples(std::string_view pcm, int channel) {
  std::vector<double> out;
  for (std::size_t at = static_cast<std::size_t>(channel) * 2; at + 2 <= pcm.size(); at += 4) {
    std::int16_t s;
    std::memcpy(&s, pcm.data() + at, 2);
    out.push_back(s);
  }
  return out;
}

double tone_dbfs(const std::vector<double>& samples, double rate, double hz) {
  const std::size_t n = samples.size();
  std::complex<double> sum{};
  double weight = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double w = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * static_cast<double>(i) / static_cast<double>(n));
    sum += samples[i] * w * std::polar(1.0, -2 * std::numbers::pi * hz * static_cast<double>(i) / rate);
    weight += w;
  }
  const double amplitude = 2 * std::abs(sum) / weight / 32768.0;
  return 20 * std::log10(amplitude + 1e-12);
}

tone_fit fit_tone(const std::vector<double>& samples, double rate, double hz) {
  double ss = 0, cc = 0, sc = 0, sx = 0, cx = 0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const double w = 2 * std::numbers::pi * hz * static_cast<double>(i) / rate;
    ss += std::sin(w) * std::sin(w);
    cc += std::cos(w) * std::cos(w);
    sc += std::sin(w) * std::cos(w);
    sx += std::sin(w) * samples[i];
    cx += std::cos(w) * samples[i];
  }
  const double det = ss * cc - sc * sc;
  const double a = (sx * cc - cx * sc) / det, b = (cx * ss - sx * sc) / det;
  double rest = 0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const double w = 2 * std::numbers::pi * hz * static_cast<double>(i) / rate;
    const double e = samples[i] - a * std::sin(w) - b * std::cos(w);
    rest += e * e;
  }
  const double peak = std::sqrt(a * a + b * b);
  return {20 * std::log10(peak / 32768.0 + 1e-12),
          10 * std::log10(rest / static_cast<double>(samples.size()) / (peak * peak / 2) + 1e-30)};
}

std::string sine_pcm(double hz, double amplitude, double seconds, double rate) {
  const auto frames = static_cast<std::size_t>(seconds * rate);
  std::string pcm(frames * 4, '\0');
  for (std::size_t f = 0; f < frames; ++f) {
    const auto s = static_cast<std::int16_t>(
        std::lrint(32767 * amplitude * std::sin(2 * std::numbers::pi * hz * static_cast<double>(f) / rate)));
    std::memcpy(pcm.data() + f * 4, &s, 2);
    std::memcpy(pcm.data() + f * 4 + 2, &s, 2);
  }
  return pcm;
}

std::string noise_pcm(double seconds, unsigned seed) {
  std::mt19937 random(seed);
  std::string pcm(static_cast<std::size_t>(seconds * 44100) * 4, '\0');
  for (std::size_t i = 0; i < pcm.size(); i += 2) {
    auto s = static_cast<std::int16_t>(static_cast<int>(random() % 65536) - 32768);
    if (s == 0) s = 1;
    std::memcpy(pcm.data() + i, &s, 2);
  }
  return pcm;
}

std::string from_first_sound(const std::string& pcm) {
  for (std::size_t at = 0; at + 4 <= pcm.size(); at += 4) {
    if (pcm.compare(at, 4, std::string(4, '\0')) != 0) return pcm.substr(at);
  }
  return {};
}

std::string sound_span(const std::string& pcm) {
  const std::string sound = from_first_sound(pcm);
  std::size_t end = sound.size() / 4 * 4;
  while (end >= 4 && sound.compare(end - 4, 4, std::string(4, '\0')) == 0) end -= 4;
  return sound.substr(0, end);
}

std::string wav_file(const std::string& pcm, unsigned rate) {
  auto le32 = [](std::uint32_t v) { return std::string{char(v), char(v >> 8), char(v >> 16), char(v >> 24)}; };
  auto le16 = [](std::uint16_t v) { return std::string{char(v), char(v >> 8)}; };
  const auto size = static_cast<std::uint32_t>(pcm.size());
  return "RIFF" + le32(36 + size) + "WAVEfmt " + le32(16) + le16(1) + le16(2) + le32(rate) + le32(rate * 4) + le16(4) +
         le16(16) + "data" + le32(size) + pcm;
}

std::string wav_payload(const std::string& wav) {
  std::size_t at = 12;
  while (at + 8 <= wav.size()) {
    std::uint32_t size = 0;
    std::memcpy(&size, wav.data() + at + 4, 4);
    if (wav.compare(at, 4, "data") == 0) return wav.substr(at + 8, size);
    at += 8 + size + (size & 1);
  }
  return {};
}

std::size_t longest_silence_frames(std::string_view pcm) {
  std::size_t longest = 0;
  std::size_t run = 0;
  for (std::size_t at = 0; at + 4 <= pcm.size(); at += 4) {
    const bool silent = pcm[at] == 0 && pcm[at + 1] == 0 && pcm[at + 2] == 0 && pcm[at + 3] == 0;
    run = silent ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}

double worst_sine_break(std::string_view pcm, double hz, double rate) {
  const auto left = channel_samples(pcm, 0);
  const double c = 2 * std::cos(2 * std::numbers::pi * hz / rate);
  double worst = 0;
  for (std::size_t i = 1; i + 1 < left.size(); ++i)
    worst = std::max(worst, std::abs(left[i + 1] + left[i - 1] - c * left[i]));
  return worst;
}

}  // namespace mixmatrix::test
