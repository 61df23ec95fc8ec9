#pragma once

#include <cstdint>
#include <string>

namespace mixmatrix::audio_io {

/// The libsndfile format for writing stereo at `rate` to `path`: the major format libsndfile
/// associates with the extension (wav, flac, aiff, au, caf, w64, ...), as 16-bit PCM where it takes
/// it, else Vorbis (ogg), else Opus. Throws std::runtime_error for an extension it does not know.
int sound_file_format(const std::string& path, std::uint32_t rate);

}  // namespace mixmatrix::audio_io
