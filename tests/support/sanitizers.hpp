#pragma once

#include <chrono>

namespace mixmatrix::test {

/// True in the ASan+UBSan build.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool asan_build = true;
#else
inline constexpr bool asan_build = false;
#endif

/// True in either sanitizer build, where the server and the test's own threads run several times slower.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool sanitized_build = true;
#else
inline constexpr bool sanitized_build = false;
#endif

/// A bound on a listener's longest gap: `optimized` is the claim about the optimized server; under a
/// sanitizer only the audio checks stay strict, and the gap may reach 250 ms.
constexpr std::chrono::milliseconds gap_bound(std::chrono::milliseconds optimized) {
  return sanitized_build ? std::chrono::milliseconds(250) : optimized;
}

}  // namespace mixmatrix::test
