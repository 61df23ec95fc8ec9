#include <doctest/doctest.h>

#include <sndfile.h>

#include <stdexcept>

#include "audio_io/sound_file_format.hpp"

using mixmatrix::audio_io::sound_file_format;

TEST_CASE("sound_file_format gives 16-bit PCM in the container of the extension") {
  CHECK(sound_file_format("/tmp/take.wav", 44100) == (SF_FORMAT_WAV | SF_FORMAT_PCM_16));
  CHECK(sound_file_format("take.flac", 48000) == (SF_FORMAT_FLAC | SF_FORMAT_PCM_16));
  CHECK(sound_file_format("take.aiff", 44100) == (SF_FORMAT_AIFF | SF_FORMAT_PCM_16));
  CHECK(sound_file_format("take.au", 44100) == (SF_FORMAT_AU | SF_FORMAT_PCM_16));
  CHECK(sound_file_format("take.caf", 44100) == (SF_FORMAT_CAF | SF_FORMAT_PCM_16));
  CHECK(sound_file_format("take.w64", 44100) == (SF_FORMAT_W64 | SF_FORMAT_PCM_16));
}

TEST_CASE("sound_file_format takes .aif for AIFF") {
  CHECK(sound_file_format("take.aif", 44100) == (SF_FORMAT_AIFF | SF_FORMAT_PCM_16));
}

TEST_CASE("sound_file_format uses only the last extension of the path") {
  CHECK(sound_file_format("/tmp/a.flac.d/take.flac.wav", 44100) == (SF_FORMAT_WAV | SF_FORMAT_PCM_16));
}

TEST_CASE("sound_file_format gives Vorbis for .ogg and .oga, which take no PCM") {
  CHECK(sound_file_format("take.ogg", 44100) == (SF_FORMAT_OGG | SF_FORMAT_VORBIS));
  CHECK(sound_file_format("take.oga", 44100) == (SF_FORMAT_OGG | SF_FORMAT_VORBIS));
}

TEST_CASE("sound_file_format throws naming the path and the extension for an extension it does not know") {
  CHECK_THROWS_WITH_AS(sound_file_format("/tmp/take.nope", 44100),
                       doctest::Contains("/tmp/take.nope: no sound file format for '.nope'"),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(sound_file_format("/tmp/take", 44100), doctest::Contains("/tmp/take: "),
                       std::runtime_error);
  CHECK_THROWS_WITH_AS(sound_file_format("/tmp/take.", 44100), doctest::Contains("/tmp/take.: "),
                       std::runtime_error);
  // A dot in a folder's name is no extension.
  CHECK_THROWS_AS(sound_file_format("/tmp/x.wav/take", 44100), std::runtime_error);
}

TEST_CASE("sound_file_format takes extensions in any case") {
  CHECK(sound_file_format("TAKE.WAV", 44100) == (SF_FORMAT_WAV | SF_FORMAT_PCM_16));
  CHECK(sound_file_format("take.Flac", 44100) == (SF_FORMAT_FLAC | SF_FORMAT_PCM_16));
}
