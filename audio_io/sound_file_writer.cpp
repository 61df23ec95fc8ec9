#include "audio_io/sound_file_writer.hpp"

#include <sndfile.h>

#include <stdexcept>

#include "audio_io/sound_file_format.hpp"

namespace mixmatrix::audio_io {

sound_file_writer::sound_file_writer(const std::string& path, std::uint32_t rate) : path_(path) {
  SF_INFO info{};
  info.samplerate = static_cast<int>(rate);
  info.channels = 2;
  info.format = sound_file_format(path, rate);
  file_ = sf_open(path.c_str(), SFM_WRITE, &info);
  if (!file_) throw std::runtime_error(path + ": " + sf_strerror(nullptr));
}

sound_file_writer::~sound_file_writer() { close(); }

bool sound_file_writer::write(const std::int16_t* samples, std::size_t frames) {
  const auto written = sf_writef_short(file_, samples, static_cast<sf_count_t>(frames));
  if (written > 0) frames_ += static_cast<std::uint64_t>(written);
  return written == static_cast<sf_count_t>(frames);
}

void sound_file_writer::update_header() {
  if (file_) sf_command(file_, SFC_UPDATE_HEADER_NOW, nullptr, 0);
}

std::string sound_file_writer::error() const { return path_ + ": " + sf_strerror(file_); }

void sound_file_writer::close() {
  if (!file_) return;
  sf_close(file_);
  file_ = nullptr;
}

}  // namespace mixmatrix::audio_io
