#pragma once

#include <string>

namespace mixmatrix::clients {

/// The libsndfile format for a file name's extension: wav, flac, aiff, au and caf as 16-bit PCM,
/// ogg as Vorbis. Throws std::runtime_error for any other extension.
int sound_file_format(const std::string& path);

}  // namespace mixmatrix::clients
