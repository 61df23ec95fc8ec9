#include <doctest/doctest.h>

#include <sys/resource.h>

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "audio_io/sound_file_writer.hpp"
#include "sound_files.hpp"
#include "tests/support/audio_analysis.hpp"
#include "tests/support/child_process.hpp"

using mixmatrix::audio_io::sound_file_writer;
using namespace mixmatrix::test;

namespace {
// Writes `samples` in three appends of different sizes, checking frames() after each.
void write_in_pieces(sound_file_writer& file, const std::vector<std::int16_t>& samples) {
  const std::size_t frames = samples.size() / 2;
  const std::size_t cuts[] = {0, 1, frames / 3, frames};
  for (std::size_t i = 0; i + 1 < std::size(cuts); ++i) {
    REQUIRE(file.write(samples.data() + 2 * cuts[i], cuts[i + 1] - cuts[i]));
    CHECK(file.frames() == cuts[i + 1]);
  }
}

// Files of this process may grow to `bytes` while it lives; writes past that fail with EFBIG
// (not SIGXFSZ, which would kill the test).
class file_size_limit {
 public:
  explicit file_size_limit(rlim_t bytes) : old_handler_(std::signal(SIGXFSZ, SIG_IGN)) {
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &old_) == 0);
    rlimit limit = old_;
    limit.rlim_cur = bytes;
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &limit) == 0);
  }
  ~file_size_limit() {
    ::setrlimit(RLIMIT_FSIZE, &old_);
    std::signal(SIGXFSZ, old_handler_);
  }
  file_size_limit(const file_size_limit&) = delete;
  file_size_limit& operator=(const file_size_limit&) = delete;

 private:
  void (*old_handler_)(int);
  rlimit old_{};
};
}  // namespace

TEST_CASE("sound_file_writer writes a 16-bit stereo WAV at its rate that sox reads back sample for sample") {
  const auto dir = temp_dir();
  const std::string path = dir + "/out.wav";
  const auto samples = known_samples(30000);
  sound_file_writer file(path, 48000);
  CHECK(file.path() == path);
  CHECK(file.frames() == 0);
  write_in_pieces(file, samples);
  file.close();
  CHECK(soxi("t", path) == "wav");
  CHECK(soxi("r", path) == "48000");
  CHECK(soxi("c", path) == "2");
  CHECK(soxi("b", path) == "16");
  CHECK(soxi("e", path) == "Signed Integer PCM");
  CHECK(soxi("s", path) == "30000");
  CHECK(sox_samples(path) == samples);
}

TEST_CASE("sound_file_writer writes a 16-bit stereo FLAC at its rate that sox decodes bit for bit") {
  const auto dir = temp_dir();
  const std::string path = dir + "/out.flac";
  const auto samples = known_samples(30000);
  sound_file_writer file(path, 44100);
  write_in_pieces(file, samples);
  file.close();
  CHECK(soxi("t", path) == "flac");
  CHECK(soxi("r", path) == "44100");
  CHECK(soxi("c", path) == "2");
  CHECK(soxi("b", path) == "16");
  CHECK(soxi("s", path) == "30000");
  CHECK(sox_samples(path) == samples);
}

TEST_CASE("sound_file_writer writes an ogg file as Vorbis that sox reads back at its rate, length and level") {
  const auto dir = temp_dir();
  const std::string path = dir + "/out.ogg";
  const auto samples = samples_of(sine_pcm(1000, 0.5, 1.0));
  {
    sound_file_writer file(path, 44100);
    REQUIRE(file.write(samples.data(), samples.size() / 2));
  }
  CHECK(soxi("t", path) == "vorbis");
  CHECK(soxi("r", path) == "44100");
  CHECK(soxi("c", path) == "2");
  CHECK(soxi("s", path) == "44100");
  const std::string pcm = pcm_of(sox_samples(path));
  // Lossy, so the tone's level, not its samples.
  CHECK(tone_dbfs(channel_samples(pcm, 0), 44100, 1000) == doctest::Approx(-6.02).epsilon(0.05));
  CHECK(tone_dbfs(channel_samples(pcm, 1), 44100, 1000) == doctest::Approx(-6.02).epsilon(0.05));
}

TEST_CASE("sound_file_writer's destructor finalises the file, and close() twice is the same as once") {
  const auto dir = temp_dir();
  const auto samples = known_samples(5000);
  {
    sound_file_writer file(dir + "/dropped.wav", 44100);
    REQUIRE(file.write(samples.data(), 5000));
  }
  CHECK(soxi("s", dir + "/dropped.wav") == "5000");
  CHECK(sox_samples(dir + "/dropped.wav") == samples);

  sound_file_writer file(dir + "/twice.flac", 44100);
  REQUIRE(file.write(samples.data(), 5000));
  file.close();
  file.close();
  CHECK(file.frames() == 5000);
  CHECK(sox_samples(dir + "/twice.flac") == samples);
}

TEST_CASE("sound_file_writer throws naming the path for an unknown extension, and creates nothing") {
  const auto dir = temp_dir();
  const std::string path = dir + "/out.nope";
  CHECK_THROWS_WITH_AS(sound_file_writer(path, 44100), contains(path + ": "), std::runtime_error);
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("sound_file_writer throws naming the path when the file cannot be created") {
  const auto dir = temp_dir();
  const std::string path = dir + "/no/such/folder/out.wav";
  CHECK_THROWS_WITH_AS(sound_file_writer(path, 44100), contains(path + ": "), std::runtime_error);
}

TEST_CASE(
    "sound_file_writer write() returns false when the file is refused, error() names the path and why") {
  const auto dir = temp_dir();
  const std::string path = dir + "/full.wav";
  const auto samples = known_samples(44100);
  sound_file_writer file(path, 44100);
  {
    const file_size_limit limit(65536);
    CHECK_FALSE(file.write(samples.data(), 44100));
    CHECK(file.error().starts_with(path + ": "));
    CHECK(file.error().find("too large") != std::string::npos);  // EFBIG's text
  }
  CHECK(file.frames() < 44100);
  file.close();
  // What it counts is what the file holds.
  CHECK(soxi("s", path) == std::to_string(file.frames()));
}
