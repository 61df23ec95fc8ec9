#pragma once

// Sound files for the audio_io tests: known samples, raw PCM files, and sox to make and read files
// with a program that is not the code under test.

#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"

namespace mixmatrix::test {

/// `frames` interleaved frames of `channels` samples, every channel different and no two neighbouring
/// frames alike, so an offset or a swap shows; channel 0 starts with -32768 and then 32767.
inline std::vector<std::int16_t> known_samples(std::size_t frames, int channels = 2) {
  std::vector<std::int16_t> samples;
  samples.reserve(frames * static_cast<std::size_t>(channels));
  for (std::size_t f = 0; f < frames; ++f) {
    for (int c = 0; c < channels; ++c) {
      const auto step = static_cast<std::uint32_t>(f * 7919 + static_cast<std::size_t>(c) * 12345);
      const bool top = f == 1 && c == 0;
      samples.push_back(top ? std::int16_t{32767}
                            : static_cast<std::int16_t>(static_cast<int>(step % 65536) - 32768));
    }
  }
  return samples;
}

/// A doctest matcher for messages that contain `text` (doctest::Contains takes no std::string).
inline doctest::Contains contains(const std::string& text) {
  return doctest::Contains(text.c_str());
}

/// The samples of s16le PCM bytes.
inline std::vector<std::int16_t> samples_of(const std::string& pcm) {
  std::vector<std::int16_t> samples(pcm.size() / 2);
  std::memcpy(samples.data(), pcm.data(), samples.size() * 2);
  return samples;
}

/// `samples` as s16le PCM bytes.
inline std::string pcm_of(const std::vector<std::int16_t>& samples) {
  return {reinterpret_cast<const char*>(samples.data()), samples.size() * 2};
}

/// The samples of a raw s16le PCM file.
inline std::vector<std::int16_t> read_pcm(const std::string& path) {
  return samples_of(read_file(path));
}

/// Writes `samples` as raw s16le PCM.
inline void write_pcm(const std::string& path, const std::vector<std::int16_t>& samples) {
  std::ofstream out(path, std::ios::binary);
  out << pcm_of(samples);
  REQUIRE(out.good());
}

/// Runs `sox ARGS`; the test stops unless sox is there and succeeds.
inline void sox(const std::string& args) {
  REQUIRE_MESSAGE(have_program("sox"), "these tests make and check sound files with sox");
  REQUIRE_MESSAGE(run_shell("sox " + args + " 2>/dev/null") == 0, "sox " << args);
}

/// A sound file sox makes from `samples` (`channels` interleaved at `rate`), its type from the
/// extension of `path`; `options` go before `path` (e.g. "-b 24").
inline void sox_file(const std::string& path, const std::vector<std::int16_t>& samples, int channels,
                     unsigned rate, const std::string& options = "") {
  write_pcm(path + ".raw", samples);
  sox("-t raw -r " + std::to_string(rate) + " -e signed-integer -b 16 -c " + std::to_string(channels) +
      " -L " + path + ".raw " + options + " " + path);
}

/// The samples of any sound file sox reads, as s16le at its own rate and channels.
inline std::vector<std::int16_t> sox_samples(const std::string& path) {
  sox(path + " -t raw -e signed-integer -b 16 -L " + path + ".decoded.raw");
  return read_pcm(path + ".decoded.raw");
}

/// What `soxi -OPTION path` prints, without the newline (e.g. "r" for the rate, "s" for frames).
inline std::string soxi(const std::string& option, const std::string& path) {
  REQUIRE(have_program("soxi"));
  REQUIRE(run_shell("soxi -" + option + " " + path + " >" + path + ".soxi 2>/dev/null") == 0);
  std::string out = read_file(path + ".soxi");
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

}  // namespace mixmatrix::test
