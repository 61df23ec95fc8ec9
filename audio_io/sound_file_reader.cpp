#include "audio_io/sound_file_reader.hpp"

#include <sndfile.h>

#include <stdexcept>

namespace mixmatrix::audio_io {

sound_file_reader::sound_file_reader(const std::string& path) {
  SF_INFO info{};
  file_ = sf_open(path.c_str(), SFM_READ, &info);
  if (!file_) throw std::runtime_error(path + ": " + sf_strerror(nullptr));
  if (info.channels < 1 || info.channels > 2) {
    sf_close(file_);
    throw std::runtime_error(path + ": " + std::to_string(info.channels) + " channels (mono or stereo only)");
  }
  rate_ = static_cast<std::uint32_t>(info.samplerate);
  channels_ = info.channels;
  frames_ = static_cast<std::uint64_t>(info.frames);
}

sound_file_reader::~sound_file_reader() { sf_close(file_); }

std::size_t sound_file_reader::read(std::int16_t* out, std::size_t frames) {
  if (channels_ == 2) return static_cast<std::size_t>(sf_readf_short(file_, out, static_cast<sf_count_t>(frames)));
  mono_.resize(frames);
  const auto n = static_cast<std::size_t>(sf_readf_short(file_, mono_.data(), static_cast<sf_count_t>(frames)));
  for (std::size_t f = 0; f < n; ++f) out[2 * f] = out[2 * f + 1] = mono_[f];
  return n;
}

bool sound_file_reader::rewind() { return sf_seek(file_, 0, SEEK_SET) == 0; }

void require_rate_within(const sound_file_reader& file, const std::string& path, std::uint32_t lowest,
                         std::uint32_t highest) {
  if (file.rate() >= lowest && file.rate() <= highest) return;
  throw std::runtime_error(path + ": " + std::to_string(file.rate()) + " Hz (files from " + std::to_string(lowest) +
                           " to " + std::to_string(highest) + " Hz are played)");
}

}  // namespace mixmatrix::audio_io
