#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mixmatrix::test {

/// One channel (0 left, 1 right) of interleaved s16le stereo PCM, as sample values.
std::vector<double> channel_samples(std::string_view pcm, int channel);
/// The peak amplitude of the sine at `hz` in `samples`, in dBFS (a Hann-windowed DFT at hz).
double tone_dbfs(const std::vector<double>& samples, double rate, double hz);
/// `seconds` of a stereo sine at `hz` with a peak of `amplitude` (0..1 of full scale), as s16le.
std::string sine_pcm(double hz, double amplitude, double seconds, double rate = 44100);
/// The longest run of consecutive all-zero frames in s16le stereo PCM.
std::size_t longest_silence_frames(std::string_view pcm);

}  // namespace mixmatrix::test
