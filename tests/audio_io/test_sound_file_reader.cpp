#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "audio_io/sound_file_reader.hpp"
#include "sound_files.hpp"
#include "tests/support/child_process.hpp"

using mixmatrix::audio_io::require_rate_within;
using mixmatrix::audio_io::sound_file_reader;
using namespace mixmatrix::test;

namespace {
// Everything left in `file`, read `step` frames at a time.
std::vector<std::int16_t> read_rest(sound_file_reader& file, std::size_t step) {
  std::vector<std::int16_t> all;
  std::vector<std::int16_t> block(2 * step);
  while (const std::size_t got = file.read(block.data(), step)) {
    REQUIRE(got <= step);
    all.insert(all.end(), block.begin(), block.begin() + static_cast<std::ptrdiff_t>(2 * got));
  }
  return all;
}
}  // namespace

TEST_CASE("sound_file_reader reads a stereo WAV's int16 frames exactly as written, in any read size") {
  const auto dir = temp_dir();
  const auto written = known_samples(10000);
  sox_file(dir + "/in.wav", written, 2, 44100);
  sound_file_reader file(dir + "/in.wav");
  CHECK(file.rate() == 44100);
  CHECK(file.channels() == 2);
  CHECK(file.frames() == 10000);
  CHECK(read_rest(file, 333) == written);  // 333 does not divide 10000: the last read is short
  std::int16_t spare[2] = {};
  CHECK(file.read(spare, 1) == 0);
}

TEST_CASE("sound_file_reader reads a 16-bit FLAC file sample for sample, at its rate") {
  const auto dir = temp_dir();
  const auto written = known_samples(20000);
  sox_file(dir + "/in.flac", written, 2, 48000);
  sound_file_reader file(dir + "/in.flac");
  CHECK(file.rate() == 48000);
  CHECK(file.channels() == 2);
  CHECK(file.frames() == 20000);
  CHECK(read_rest(file, 4096) == written);
}

TEST_CASE("sound_file_reader puts a mono file on both channels") {
  const auto dir = temp_dir();
  const auto mono = known_samples(5000, 1);
  sox_file(dir + "/mono.wav", mono, 1, 22050);
  sound_file_reader file(dir + "/mono.wav");
  CHECK(file.rate() == 22050);
  CHECK(file.channels() == 1);
  CHECK(file.frames() == 5000);
  std::vector<std::int16_t> expected;
  for (const auto s : mono) expected.insert(expected.end(), {s, s});
  // Reads of growing size, the last one larger than what is left.
  std::vector<std::int16_t> all;
  std::vector<std::int16_t> block(8000);
  for (const std::size_t step : {1U, 7U, 1000U, 4000U}) {
    const std::size_t got = file.read(block.data(), step);
    all.insert(all.end(), block.begin(), block.begin() + static_cast<std::ptrdiff_t>(2 * got));
  }
  CHECK(all == expected);
  CHECK(file.read(block.data(), 4000) == 0);
}

TEST_CASE("sound_file_reader rewind goes back to the first frame, mid-file and at the end") {
  const auto dir = temp_dir();
  const auto written = known_samples(3000);
  sox_file(dir + "/in.wav", written, 2, 44100);
  sox_file(dir + "/mono.wav", known_samples(3000, 1), 1, 44100);
  sound_file_reader file(dir + "/in.wav");
  std::vector<std::int16_t> block(200);
  REQUIRE(file.read(block.data(), 100) == 100);
  CHECK(file.rewind());
  CHECK(read_rest(file, 512) == written);
  CHECK(file.rewind());  // from the end
  CHECK(read_rest(file, 3000) == written);

  sound_file_reader mono(dir + "/mono.wav");
  const auto first_pass = read_rest(mono, 256);
  REQUIRE(first_pass.size() == 2 * 3000);
  CHECK(mono.rewind());
  CHECK(read_rest(mono, 1000) == first_pass);
}

TEST_CASE("sound_file_reader refuses a file of more than two channels, naming the path") {
  const auto dir = temp_dir();
  sox_file(dir + "/three.wav", known_samples(1000, 3), 3, 44100);
  const std::string path = dir + "/three.wav";
  CHECK_THROWS_WITH_AS(sound_file_reader{path}, contains(path + ": 3 channels"), std::runtime_error);
}

TEST_CASE("sound_file_reader throws naming the path of a missing file or one that is no sound file") {
  const auto dir = temp_dir();
  const std::string missing = dir + "/missing.wav";
  CHECK_THROWS_WITH_AS(sound_file_reader{missing}, contains(missing + ": "), std::runtime_error);
  const std::string junk = dir + "/junk.wav";
  std::ofstream(junk) << "this is not a sound file, though its name ends in .wav\n";
  CHECK_THROWS_WITH_AS(sound_file_reader{junk}, contains(junk + ": "), std::runtime_error);
}

TEST_CASE("require_rate_within accepts a rate in its range and otherwise throws naming the path, the rate and the range") {
  const auto dir = temp_dir();
  const std::string path = dir + "/48k.wav";
  sox_file(path, known_samples(480), 2, 48000);
  sound_file_reader file(path);
  CHECK_NOTHROW(require_rate_within(file, path, 8000, 48000));
  CHECK_NOTHROW(require_rate_within(file, path, 48000, 192000));
  CHECK_THROWS_WITH_AS(require_rate_within(file, path, 8000, 44100),
                       contains(path + ": 48000 Hz (files from 8000 to 44100 Hz are played)"), std::runtime_error);
}
