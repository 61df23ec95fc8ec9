#include "tests/support/wire_pcm.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace mixmatrix::test {
namespace {

std::size_t sample_size(const std::string& sample) {
  return sample == "s16le" ? 2 : sample == "s24le" ? 3 : 4;
}

// One sample of `x` (full scale 1.0) in `sample`'s bytes.
void put(std::string& out, const std::string& sample, double x) {
  if (sample == "f32le") {
    const auto v = static_cast<float>(x);
    out.append(reinterpret_cast<const char*>(&v), 4);
    return;
  }
  const int bits = static_cast<int>(sample_size(sample)) * 8;
  const double top = std::ldexp(1.0, bits - 1);
  const auto v = static_cast<std::int64_t>(std::clamp(std::round(x * top), -top, top - 1));
  for (int byte = 0; byte < bits / 8; ++byte) out.push_back(static_cast<char>(v >> (8 * byte)));
}

double get(const std::string& sample, const char* p) {
  if (sample == "f32le") {
    float v;
    std::memcpy(&v, p, 4);
    return static_cast<double>(v) * 32768;
  }
  const int bytes = static_cast<int>(sample_size(sample));
  std::uint32_t u = 0;
  for (int i = 0; i < bytes; ++i)
    u |= static_cast<std::uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  u <<= 8 * (4 - bytes);  // sign-extended through the top bit
  return static_cast<double>(static_cast<std::int32_t>(u)) / 65536.0;
}

}  // namespace

std::vector<wire_format> every_wire_format() {
  std::vector<wire_format> all;
  for (const char* sample : {"s16le", "s24le", "s32le", "f32le"}) {
    for (int channels : {1, 2}) all.push_back({sample, channels});
  }
  return all;
}

std::string handshake_words(const wire_format& f, unsigned rate) {
  return f.sample + " " + std::to_string(rate) + " " + std::to_string(f.channels);
}

std::size_t wire_frame_bytes(const wire_format& f) {
  return sample_size(f.sample) * static_cast<std::size_t>(f.channels);
}

std::string wire_pcm(const wire_format& f, const std::vector<double>& left,
                     const std::vector<double>& right) {
  std::string out;
  for (std::size_t i = 0; i < left.size(); ++i) {
    put(out, f.sample, left[i]);
    if (f.channels == 2) put(out, f.sample, right[i]);
  }
  return out;
}

std::vector<std::vector<double>> wire_samples(const wire_format& f, std::string_view pcm) {
  std::vector<std::vector<double>> channels(static_cast<std::size_t>(f.channels));
  const std::size_t size = sample_size(f.sample);
  const std::size_t frame = wire_frame_bytes(f);
  for (std::size_t at = 0; at + frame <= pcm.size(); at += frame) {
    for (std::size_t c = 0; c < channels.size(); ++c)
      channels[c].push_back(get(f.sample, pcm.data() + at + c * size));
  }
  return channels;
}

std::size_t first_sound(const std::vector<std::vector<double>>& channels) {
  for (std::size_t i = 0; i < channels[0].size(); ++i) {
    for (const auto& c : channels) {
      if (c[i] != 0) return i;
    }
  }
  return channels[0].size();
}

}  // namespace mixmatrix::test
