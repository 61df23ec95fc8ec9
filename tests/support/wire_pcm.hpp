#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mixmatrix::test {

/// A wire format as a handshake names it: FORMAT (`s16le`, `s24le`, `s32le`, `f32le`) and channels.
struct wire_format {
  std::string sample;
  int channels;
};

/// Every FORMAT, mono and stereo.
std::vector<wire_format> every_wire_format();
/// `FORMAT 44100 CHANNELS`, the words of a handshake.
std::string handshake_words(const wire_format& f, unsigned rate = 44100);
/// Bytes of one frame.
std::size_t wire_frame_bytes(const wire_format& f);
/// Frames of (left, right) in full-scale fractions as little-endian wire PCM, rounded to the format
/// (mono: left only). Written here independently of the server's own conversion.
std::string wire_pcm(const wire_format& f, const std::vector<double>& left, const std::vector<double>& right);
/// The samples of wire PCM on the 16-bit scale (32768 is full scale), one vector per channel.
std::vector<std::vector<double>> wire_samples(const wire_format& f, std::string_view pcm);
/// Where the first frame with a sample other than 0 is (the size when there is none).
std::size_t first_sound(const std::vector<std::vector<double>>& channels);

}  // namespace mixmatrix::test
