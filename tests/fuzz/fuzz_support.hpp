#pragma once

// What the fuzz targets share: checks that abort (so libFuzzer keeps the input as a crash) and
// cutting an input into pieces at offsets derived from its bytes, as TCP may deliver it.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace mixmatrix::fuzz {

/// The input as text.
inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Aborts with `what` (and the text it concerns, escaped) unless `ok`.
inline void check(bool ok, const char* what, std::string_view about = {}) {
  if (ok) return;
  std::fprintf(stderr, "fuzz check failed: %s", what);
  if (!about.empty()) {
    std::fputs(": \"", stderr);
    for (const char c : about) {
      const auto b = static_cast<unsigned char>(c);
      if (b >= 0x20 && b < 0x7f && c != '"' && c != '\\') {
        std::fputc(c, stderr);
      } else {
        std::fprintf(stderr, "\\x%02x", b);
      }
    }
    std::fputc('"', stderr);
  }
  std::fputc('\n', stderr);
  std::abort();
}

/// A small deterministic generator, seeded from the input's bytes (FNV-1a), so one input always
/// takes the same path and a crash replays.
class choices {
 public:
  explicit choices(std::string_view bytes) {
    std::uint64_t h = 0xcbf29ce484222325u;
    for (const char c : bytes) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3u;
    state_ = h | 1u;
  }
  /// A number in [0, n), n > 0.
  std::size_t below(std::size_t n) {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return static_cast<std::size_t>(state_ % n);
  }

 private:
  std::uint64_t state_;
};

/// `bytes` cut into pieces (some empty, most short, a few long), in order; together they are `bytes`.
inline std::vector<std::string_view> cut(std::string_view bytes, choices& pick) {
  std::vector<std::string_view> pieces;
  std::size_t at = 0;
  while (at < bytes.size()) {
    const std::size_t kind = pick.below(8);
    std::size_t n = kind == 0 ? 0 : kind < 6 ? 1 + pick.below(4) : kind == 6 ? 1 + pick.below(64) : bytes.size();
    if (n > bytes.size() - at) n = bytes.size() - at;
    pieces.push_back(bytes.substr(at, n));
    at += n;
  }
  return pieces;
}

}  // namespace mixmatrix::fuzz
