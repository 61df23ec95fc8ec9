#include "audio_io/sound_file_format.hpp"

#include <sndfile.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string_view>

namespace mixmatrix::audio_io {

int sound_file_format(const std::string& path, std::uint32_t rate) {
  const auto dot = path.rfind('.');
  std::string ext = dot == std::string::npos || path.find('/', dot) != std::string::npos ? "" : path.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == "aif") ext = "aiff";
  // libsndfile names Ogg "oga" in some versions and "ogg" in others; people write either.
  const auto ogg = [](std::string_view e) { return e == "ogg" || e == "oga"; };
  int count = 0;
  sf_command(nullptr, SFC_GET_FORMAT_MAJOR_COUNT, &count, sizeof count);
  for (int i = 0; i < count && !ext.empty(); ++i) {
    SF_FORMAT_INFO info{};
    info.format = i;
    sf_command(nullptr, SFC_GET_FORMAT_MAJOR, &info, sizeof info);
    if (ext != info.extension && !(ogg(ext) && ogg(info.extension))) continue;
    for (int subtype : {SF_FORMAT_PCM_16, SF_FORMAT_VORBIS, SF_FORMAT_OPUS}) {
      SF_INFO probe{};
      probe.samplerate = static_cast<int>(rate);
      probe.channels = 2;
      probe.format = info.format | subtype;
      if (sf_format_check(&probe)) return probe.format;
    }
  }
  throw std::runtime_error(path + ": no sound file format for '." + ext + "' (try wav, flac, ogg, aiff, au, caf)");
}

}  // namespace mixmatrix::audio_io
