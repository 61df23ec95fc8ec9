#include "clients/sound_file_format.hpp"

#include <sndfile.h>

#include <stdexcept>

namespace mixmatrix::clients {

int sound_file_format(const std::string& path) {
  const auto dot = path.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
  if (ext == "wav") return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  if (ext == "flac") return SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
  if (ext == "ogg" || ext == "oga") return SF_FORMAT_OGG | SF_FORMAT_VORBIS;
  if (ext == "aiff" || ext == "aif") return SF_FORMAT_AIFF | SF_FORMAT_PCM_16;
  if (ext == "au") return SF_FORMAT_AU | SF_FORMAT_PCM_16;
  if (ext == "caf") return SF_FORMAT_CAF | SF_FORMAT_PCM_16;
  throw std::runtime_error(path + ": unknown extension (wav, flac, ogg, aiff, au or caf)");
}

}  // namespace mixmatrix::clients
