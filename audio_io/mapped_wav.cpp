#include "audio_io/mapped_wav.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cstring>
#include <utility>

namespace mixmatrix::audio_io {
namespace {

std::uint32_t le32(const std::byte* p) {
  std::uint32_t v = 0;
  std::memcpy(&v, p, 4);
  return v;
}
std::uint16_t le16(const std::byte* p) {
  std::uint16_t v = 0;
  std::memcpy(&v, p, 2);
  return v;
}
bool tag_is(const std::byte* p, const char* tag) { return std::memcmp(p, tag, 4) == 0; }

}  // namespace

std::optional<mapped_wav> mapped_wav::open(const std::string& path) {
  static_assert(std::endian::native == std::endian::little, "WAV samples are used in place");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  const bool sized = ::fstat(fd, &st) == 0 && st.st_size >= 44;
  void* map = sized ? ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
  ::close(fd);
  if (map == MAP_FAILED) return std::nullopt;
  mapped_wav wav;
  wav.map_ = map;
  wav.map_bytes_ = static_cast<std::size_t>(st.st_size);
  const auto* bytes = static_cast<const std::byte*>(map);
  const std::byte* end = bytes + wav.map_bytes_;
  if (!tag_is(bytes, "RIFF") || !tag_is(bytes + 8, "WAVE")) return std::nullopt;
  bool format_ok = false;
  // Walk the chunks: fmt must say 16-bit PCM, then data holds the samples (word-aligned chunks).
  for (const std::byte* chunk = bytes + 12; end - chunk >= 8;) {
    const std::uint32_t size = le32(chunk + 4);
    const std::byte* body = chunk + 8;
    if (tag_is(chunk, "fmt ") && size >= 16 && end - body >= 16) {
      const std::uint16_t format = le16(body);
      wav.channels_ = le16(body + 2);
      wav.rate_ = le32(body + 4);
      format_ok = format == 1 && le16(body + 14) == 16 && (wav.channels_ == 1 || wav.channels_ == 2);
    } else if (tag_is(chunk, "data")) {
      if (!format_ok || reinterpret_cast<std::uintptr_t>(body) % 2 != 0) return std::nullopt;
      const auto available = static_cast<std::size_t>(end - body);
      const std::size_t data = std::min<std::size_t>(size, available) / (2 * static_cast<std::size_t>(wav.channels_)) *
                               (2 * static_cast<std::size_t>(wav.channels_));
      wav.samples_ = {reinterpret_cast<const std::int16_t*>(body), data / 2};
      ::madvise(map, wav.map_bytes_, MADV_SEQUENTIAL);
      return wav;
    }
    if (static_cast<std::size_t>(end - body) < size) break;
    chunk = body + size + (size & 1);
  }
  return std::nullopt;
}

mapped_wav::mapped_wav(mapped_wav&& other) noexcept
    : map_(std::exchange(other.map_, nullptr)),
      map_bytes_(other.map_bytes_),
      samples_(other.samples_),
      channels_(other.channels_),
      rate_(other.rate_) {}

mapped_wav& mapped_wav::operator=(mapped_wav&& other) noexcept {
  if (this != &other) {
    if (map_) ::munmap(map_, map_bytes_);
    map_ = std::exchange(other.map_, nullptr);
    map_bytes_ = other.map_bytes_;
    samples_ = other.samples_;
    channels_ = other.channels_;
    rate_ = other.rate_;
  }
  return *this;
}

mapped_wav::~mapped_wav() {
  if (map_) ::munmap(map_, map_bytes_);
}

}  // namespace mixmatrix::audio_io
