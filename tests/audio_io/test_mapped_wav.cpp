#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "audio_io/mapped_wav.hpp"
#include "audio_io/sound_file_reader.hpp"
#include "sound_files.hpp"
#include "tests/support/child_process.hpp"

using mixmatrix::audio_io::mapped_wav;
using mixmatrix::audio_io::sound_file_reader;
using namespace mixmatrix::test;

namespace {
std::string le16(std::uint16_t v) {
  return {static_cast<char>(v & 0xff), static_cast<char>(v >> 8)};
}
std::string le32(std::uint32_t v) {
  return le16(static_cast<std::uint16_t>(v & 0xffff)) + le16(static_cast<std::uint16_t>(v >> 16));
}

// A RIFF chunk, with the pad byte an odd size needs.
std::string chunk(const std::string& tag, const std::string& body) {
  return tag + le32(static_cast<std::uint32_t>(body.size())) + body +
         (body.size() % 2 ? std::string(1, '\0') : "");
}

// A fmt chunk: `format` 1 is PCM, 3 float; `extra` bytes of cbSize and beyond after the 16 common ones.
std::string fmt_chunk(std::uint16_t format, std::uint16_t channels, std::uint32_t rate, std::uint16_t bits,
                      const std::string& extra = "") {
  const auto block = static_cast<std::uint16_t>(channels * bits / 8);
  return chunk("fmt ", le16(format) + le16(channels) + le32(rate) + le32(rate * block) + le16(block) +
                           le16(bits) + extra);
}

std::string riff(const std::string& chunks, const std::string& magic = "RIFF") {
  return magic + le32(static_cast<std::uint32_t>(4 + chunks.size())) + "WAVE" + chunks;
}

std::string write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::vector<std::int16_t> samples_in(const mapped_wav& wav) {
  return {wav.samples().begin(), wav.samples().end()};
}
}  // namespace

TEST_CASE("mapped_wav maps a 16-bit stereo PCM WAV with its rate, channels, frames and samples") {
  const auto dir = temp_dir();
  const auto written = known_samples(10000);
  sox_file(dir + "/in.wav", written, 2, 48000);
  const auto wav = mapped_wav::open(dir + "/in.wav");
  REQUIRE(wav);
  CHECK(wav->rate() == 48000);
  CHECK(wav->channels() == 2);
  CHECK(wav->frames() == 10000);
  CHECK(samples_in(*wav) == written);
}

TEST_CASE("mapped_wav maps a 16-bit mono PCM WAV as one channel") {
  const auto dir = temp_dir();
  const auto written = known_samples(7001, 1);
  sox_file(dir + "/mono.wav", written, 1, 22050);
  const auto wav = mapped_wav::open(dir + "/mono.wav");
  REQUIRE(wav);
  CHECK(wav->rate() == 22050);
  CHECK(wav->channels() == 1);
  CHECK(wav->frames() == 7001);
  CHECK(samples_in(*wav) == written);
}

TEST_CASE("mapped_wav walks past a longer fmt chunk and an odd-sized LIST chunk before data") {
  const auto dir = temp_dir();
  const auto written = known_samples(300);
  const std::string list = chunk("LIST", "INFOISFT" + le32(5) + "mixm");  // 17 bytes: a pad byte follows
  const auto path = write_bytes(
      dir + "/list.wav", riff(fmt_chunk(1, 2, 44100, 16, le16(0)) + list + chunk("data", pcm_of(written))));
  const auto wav = mapped_wav::open(path);
  REQUIRE(wav);
  CHECK(wav->rate() == 44100);
  CHECK(wav->channels() == 2);
  CHECK(wav->frames() == 300);
  CHECK(samples_in(*wav) == written);
}

TEST_CASE("mapped_wav ends the samples where the data chunk says, though chunks follow it") {
  const auto dir = temp_dir();
  const auto written = known_samples(250);
  const auto path =
      write_bytes(dir + "/tail.wav", riff(fmt_chunk(1, 2, 44100, 16) + chunk("data", pcm_of(written)) +
                                          chunk("LIST", "INFOICMT" + le32(8) + "trailer")));
  const auto wav = mapped_wav::open(path);
  REQUIRE(wav);
  CHECK(wav->frames() == 250);
  CHECK(samples_in(*wav) == written);
}

TEST_CASE(
    "mapped_wav of a data chunk cut short holds the whole frames there are, as sound_file_reader reads it") {
  const auto dir = temp_dir();
  const auto written = known_samples(1000);
  const std::string whole = riff(fmt_chunk(1, 2, 44100, 16) + chunk("data", pcm_of(written)));
  const auto path = write_bytes(dir + "/cut.wav", whole.substr(0, 44 + 4 * 600 + 3));  // 600 frames and a bit
  const auto wav = mapped_wav::open(path);
  REQUIRE(wav);
  CHECK(wav->frames() == 600);
  CHECK(samples_in(*wav) == std::vector<std::int16_t>(written.begin(), written.begin() + 1200));
  CHECK(sound_file_reader(path).frames() == wav->frames());
}

TEST_CASE("mapped_wav refuses a WAV that is not 16-bit PCM of one or two channels") {
  const auto dir = temp_dir();
  const auto pcm = pcm_of(known_samples(600));
  sox_file(dir + "/sox24.wav", known_samples(600), 2, 44100, "-b 24");
  sox_file(dir + "/sox8.wav", known_samples(600), 2, 44100, "-b 8");
  sox_file(dir + "/float.wav", known_samples(600), 2, 44100, "-e floating-point -b 32");
  const auto pcm24 = write_bytes(dir + "/pcm24.wav", riff(fmt_chunk(1, 2, 44100, 24) + chunk("data", pcm)));
  const auto three = write_bytes(dir + "/three.wav", riff(fmt_chunk(1, 3, 44100, 16) + chunk("data", pcm)));
  const auto none = write_bytes(dir + "/none.wav", riff(fmt_chunk(1, 0, 44100, 16) + chunk("data", pcm)));
  const auto rifx =
      write_bytes(dir + "/rifx.wav", riff(fmt_chunk(1, 2, 44100, 16) + chunk("data", pcm), "RIFX"));
  for (const auto& path :
       {dir + "/sox24.wav", dir + "/sox8.wav", dir + "/float.wav", pcm24, three, none, rifx}) {
    CAPTURE(path);
    CHECK_FALSE(mapped_wav::open(path));
  }
}

TEST_CASE("mapped_wav refuses FLAC, garbage, short and cut headers, a missing file and a folder") {
  const auto dir = temp_dir();
  const auto pcm = pcm_of(known_samples(600));
  sox_file(dir + "/in.flac", known_samples(600), 2, 44100);
  const std::string good =
      riff(fmt_chunk(1, 2, 44100, 16) + chunk("LIST", std::string(64, 'x')) + chunk("data", pcm));
  const auto garbage = write_bytes(dir + "/garbage.wav", std::string(4096, '\x5a'));
  const auto empty = write_bytes(dir + "/empty.wav", "");
  const auto header_only = write_bytes(dir + "/short.wav", good.substr(0, 43));
  const auto cut_in_list =
      write_bytes(dir + "/cut.wav", good.substr(0, 80));  // ends inside LIST: no data chunk
  const auto no_fmt = write_bytes(dir + "/nofmt.wav", riff(chunk("data", pcm)));
  std::filesystem::create_directory(dir + "/folder.wav");
  for (const auto& path : {dir + "/in.flac", garbage, empty, header_only, cut_in_list, no_fmt,
                           dir + "/missing.wav", dir + "/folder.wav"}) {
    CAPTURE(path);
    CHECK_FALSE(mapped_wav::open(path));
  }
  REQUIRE(mapped_wav::open(write_bytes(dir + "/good.wav", good)));  // the cut files' whole is fine
}

TEST_CASE("a mapped_wav moved from or onto keeps the samples it maps") {
  const auto dir = temp_dir();
  const auto a_samples = known_samples(400);
  const auto b_samples = known_samples(900, 1);
  sox_file(dir + "/a.wav", a_samples, 2, 44100);
  sox_file(dir + "/b.wav", b_samples, 1, 8000);
  auto a = mapped_wav::open(dir + "/a.wav");
  auto b = mapped_wav::open(dir + "/b.wav");
  REQUIRE(a);
  REQUIRE(b);
  mapped_wav moved(std::move(*a));
  CHECK(samples_in(moved) == a_samples);
  a.reset();  // the moved-from one unmaps nothing
  CHECK(samples_in(moved) == a_samples);
  moved = std::move(*b);
  b.reset();
  CHECK(moved.channels() == 1);
  CHECK(moved.rate() == 8000);
  CHECK(moved.frames() == 900);
  CHECK(samples_in(moved) == b_samples);
}
