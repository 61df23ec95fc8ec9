#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>

#include "tests/support/audio_analysis.hpp"
#include "tests/support/child_process.hpp"

using namespace mixmatrix::test;

namespace {
std::vector<std::int16_t> samples_of(const std::string& pcm) {
  std::vector<std::int16_t> s(pcm.size() / 2);
  std::memcpy(s.data(), pcm.data(), s.size() * 2);
  return s;
}

// Quiet noise (so sums stay mostly in range) of `seconds`, with `seed`.
std::string quiet_noise(double seconds, unsigned seed) {
  auto s = samples_of(noise_pcm(seconds, seed));
  for (auto& x : s) x = static_cast<std::int16_t>(x / 6);
  std::string pcm(s.size() * 2, '\0');
  std::memcpy(pcm.data(), s.data(), pcm.size());
  return pcm;
}
}  // namespace

TEST_CASE("mixrender equals sox -m sample by sample (within 1 LSB with gains, exactly at unity)") {
  if (!have_program("sox")) {
    MESSAGE("sox not installed: skipped");
    return;
  }
  const auto dir = temp_dir();
  std::ofstream(dir + "/a.wav", std::ios::binary) << wav_file(quiet_noise(3.0, 1));
  std::ofstream(dir + "/b.wav", std::ios::binary) << wav_file(sine_pcm(440, 0.4, 2.0));  // shorter: ends in silence
  std::ofstream(dir + "/c.wav", std::ios::binary) << wav_file(quiet_noise(3.0, 3));
  REQUIRE(run_shell(std::string(MIXRENDER_PATH) + " --out " + dir + "/ours.wav " + dir + "/a.wav " + dir + "/b.wav " +
                    dir + "/c.wav 2>/dev/null") == 0);
  REQUIRE(run_shell("sox -m -v 1 " + dir + "/a.wav -v 1 " + dir + "/b.wav -v 1 " + dir + "/c.wav -D " + dir +
                    "/sox.wav") == 0);
  const auto ours = wav_payload(read_file(dir + "/ours.wav"));
  CHECK(ours.size() == 3 * 44100 * 4);
  CHECK(ours == wav_payload(read_file(dir + "/sox.wav")));

  REQUIRE(run_shell(std::string(MIXRENDER_PATH) + " --out " + dir + "/gained.wav " + dir + "/a.wav:-6 " + dir +
                    "/b.wav:3.5 " + dir + "/c.wav:-inf 2>/dev/null") == 0);
  REQUIRE(run_shell("sox -m -v 0.501187 " + dir + "/a.wav -v 1.496236 " + dir + "/b.wav -v 0 " + dir + "/c.wav -D " +
                    dir + "/sox_gained.wav") == 0);
  const auto a = samples_of(wav_payload(read_file(dir + "/gained.wav")));
  const auto b = samples_of(wav_payload(read_file(dir + "/sox_gained.wav")));
  REQUIRE(a.size() == b.size());
  int worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]));
  CHECK(worst <= 1);
}

TEST_CASE("mixrender saturates like sox and sends mono inputs to both channels") {
  const auto dir = temp_dir();
  std::ofstream(dir + "/loud.wav", std::ios::binary) << wav_file(sine_pcm(100, 0.9, 1.0));
  REQUIRE(run_shell(std::string(MIXRENDER_PATH) + " --out " + dir + "/clipped.wav " + dir + "/loud.wav " + dir +
                    "/loud.wav 2> " + dir + "/err.txt") == 0);
  const auto clipped = samples_of(wav_payload(read_file(dir + "/clipped.wav")));
  CHECK(*std::max_element(clipped.begin(), clipped.end()) == 32767);
  CHECK(*std::min_element(clipped.begin(), clipped.end()) == -32768);
  CHECK(read_file(dir + "/err.txt").find(" samples clipped") != std::string::npos);
  if (have_program("sox")) {
    REQUIRE(run_shell("sox -m -v 1 " + dir + "/loud.wav -v 1 " + dir + "/loud.wav -D " + dir + "/sox.wav 2>/dev/null") == 0);
    CHECK(wav_payload(read_file(dir + "/clipped.wav")) == wav_payload(read_file(dir + "/sox.wav")));
    REQUIRE(run_shell("sox -n -r 44100 -c 1 -b 16 " + dir + "/mono.wav synth 1 sine 300 vol 0.5") == 0);
    REQUIRE(run_shell(std::string(MIXRENDER_PATH) + " --out " + dir + "/stereo.flac " + dir + "/mono.wav 2>/dev/null") == 0);
    REQUIRE(run_shell("sox " + dir + "/stereo.flac " + dir + "/stereo.wav") == 0);
    const auto s = samples_of(wav_payload(read_file(dir + "/stereo.wav")));
    bool same = true;
    for (std::size_t i = 0; i + 1 < s.size(); i += 2) same &= s[i] == s[i + 1];
    CHECK(same);
  }
}

TEST_CASE("mixrender refuses what it cannot do, with one line and status 2") {
  const auto dir = temp_dir();
  std::ofstream(dir + "/a.wav", std::ios::binary) << wav_file(sine_pcm(440, 0.5, 0.5), 44100);
  std::ofstream(dir + "/b.wav", std::ios::binary) << wav_file(sine_pcm(440, 0.5, 0.5), 48000);
  const std::string run = std::string(MIXRENDER_PATH) + " ";
  CHECK(run_shell(run + "--out " + dir + "/o.wav " + dir + "/a.wav " + dir + "/b.wav 2> " + dir + "/e.txt") == 2);
  CHECK(read_file(dir + "/e.txt").find("48000 Hz, not 44100") != std::string::npos);
  CHECK(run_shell(run + "--out " + dir + "/o.xyz " + dir + "/a.wav 2>/dev/null") == 2);
  CHECK(run_shell(run + "--out " + dir + "/o.wav " + dir + "/missing.wav 2>/dev/null") == 2);
  CHECK(run_shell(run + dir + "/a.wav 2>/dev/null") == 2);
  CHECK(run_shell(run + "--out " + dir + "/o.wav " + dir + "/a.wav:30 2>/dev/null") == 2);
}

TEST_CASE("mixrender gives the same mix from mapped WAV files as from files it has to decode") {
  if (run_shell("command -v sox >/dev/null") != 0) return;
  const auto dir = temp_dir();
  std::ofstream(dir + "/a.wav", std::ios::binary) << wav_file(quiet_noise(1.3, 4));  // not a whole number of blocks
  std::ofstream(dir + "/b.wav", std::ios::binary) << wav_file(quiet_noise(0.7, 5));
  REQUIRE(run_shell("sox " + dir + "/a.wav " + dir + "/a.flac && sox " + dir + "/b.wav " + dir + "/b.aiff") == 0);
  const std::string render = std::string(MIXRENDER_PATH) + " --out ";
  REQUIRE(run_shell(render + dir + "/mapped.wav " + dir + "/a.wav " + dir + "/b.wav:-3 2>/dev/null") == 0);
  REQUIRE(run_shell(render + dir + "/decoded.wav " + dir + "/a.flac " + dir + "/b.aiff:-3 2>/dev/null") == 0);
  const auto mapped = wav_payload(read_file(dir + "/mapped.wav"));
  CHECK(mapped.size() == static_cast<std::size_t>(1.3 * 44100) * 4);
  CHECK(mapped == wav_payload(read_file(dir + "/decoded.wav")));
}
