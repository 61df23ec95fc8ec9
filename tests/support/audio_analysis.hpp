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
/// A sine fitted to samples by least squares: its peak in dBFS, and everything else (noise,
/// distortion, aliases, breaks) against it, in dB.
struct tone_fit {
  double dbfs;
  double rest_db;
};
/// The sine at exactly `hz` (any phase) that best fits `samples` (on the 16-bit scale).
tone_fit fit_tone(const std::vector<double>& samples, double rate, double hz);
/// `seconds` of a stereo sine at `hz` with a peak of `amplitude` (0..1 of full scale), as s16le.
std::string sine_pcm(double hz, double amplitude, double seconds, double rate = 44100);
/// `seconds` of full-range noise with no silent frame, as s16le stereo (the same for the same seed).
std::string noise_pcm(double seconds, unsigned seed = 12345);
/// The bytes of `pcm` from its first non-silent frame on ("" if all silent).
std::string from_first_sound(const std::string& pcm);
/// The bytes of `pcm` from its first non-silent frame to its last, both included ("" if all silent).
std::string sound_span(const std::string& pcm);
/// A 16-bit stereo WAV file holding `pcm`.
std::string wav_file(const std::string& pcm, unsigned rate = 44100);
/// The PCM payload of a WAV file's data chunk ("" if there is none).
std::string wav_payload(const std::string& wav);
/// The worst break of a sine at `hz` in the left channel of s16le stereo PCM, in LSB:
/// x[n+1] + x[n-1] - 2 cos(w) x[n] is rounding (a few LSB) on a continuous wave, and a change of
/// pitch of a few per mille adds a few more; frames dropped, repeated or silenced leave thousands.
double worst_sine_break(std::string_view pcm, double hz, double rate = 44100);
/// The longest run of consecutive all-zero frames in s16le stereo PCM.
std::size_t longest_silence_frames(std::string_view pcm);

}  // namespace mixmatrix::test
