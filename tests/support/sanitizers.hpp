#pragma once

#include <chrono>

// g++ says which sanitizer it builds with by a macro, clang by __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define MIXMATRIX_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MIXMATRIX_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define MIXMATRIX_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MIXMATRIX_TEST_TSAN 1
#endif
#endif

namespace mixmatrix::test {

/// True in the ASan+UBSan build.
#if defined(MIXMATRIX_TEST_ASAN)
inline constexpr bool asan_build = true;
#else
inline constexpr bool asan_build = false;
#endif

/// True in either sanitizer build, where the server and the test's own threads run several times slower.
#if defined(MIXMATRIX_TEST_ASAN) || defined(MIXMATRIX_TEST_TSAN)
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
