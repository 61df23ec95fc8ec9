#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <span>
#include <stdexcept>
#include <string>

#include "audio_io/sound_device.hpp"
#include "tests/support/child_process.hpp"

using mixmatrix::audio_io::output_devices;
using mixmatrix::audio_io::output_stream;
using namespace mixmatrix::test;

namespace {
// Without a sound card PortAudio finds no output device at all (and ALSA's null PCM is one it leaves
// out), so make ALSA's default the null plugin: one device that exists on every machine, CI included.
// ctest runs each test case in its own process, so this comes before PortAudio starts there.
void null_alsa_default() {
  const auto dir = temp_dir();
  std::ofstream(dir + "/asound.conf") << "pcm.!default { type null }\n";
  ::setenv("ALSA_CONFIG_PATH", ("/usr/share/alsa/alsa.conf:" + dir + "/asound.conf").c_str(), 1);
}

void fill_silence(std::span<std::byte> out, void*) {
  for (auto& b : out) b = std::byte{0};
}
}  // namespace

TEST_CASE("output_devices lists each output device as INDEX NAME (API), ALSA's default among them") {
  null_alsa_default();
  const auto lines = output_devices();
  REQUIRE_FALSE(lines.empty());
  const std::regex line_format(R"([0-9]+ .+ \(.+\))");
  bool default_listed = false;
  for (const auto& line : lines) {
    CAPTURE(line);
    CHECK(std::regex_match(line, line_format));
    default_listed = default_listed || line.find(" default (ALSA)") != std::string::npos;
  }
  CHECK(default_listed);
}

TEST_CASE("output_stream throws std::runtime_error naming a device no name matches") {
  null_alsa_default();
  CHECK_THROWS_WITH_AS(output_stream("no such card", 44100, &fill_silence, nullptr),
                       "no sound device matches 'no such card'", std::runtime_error);
}

TEST_CASE("output_stream throws std::runtime_error naming a device index past the last") {
  null_alsa_default();
  CHECK_THROWS_WITH_AS(output_stream("4242", 44100, &fill_silence, nullptr), "no sound device matches '4242'",
                       std::runtime_error);
}
