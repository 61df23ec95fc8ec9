// AVX2 with FMA: eight lanes, fused multiply-add (within 1 LSB of scalar after rounding to int16).
#include <immintrin.h>


#include "mixer/kernels/kernels_impl.hpp"

namespace mixmatrix::mixer {
namespace {

struct avx2_vector {
  static constexpr std::size_t width = 8;
  using f = __m256;
  using i = __m256i;
  static f load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, f a) { _mm256_storeu_ps(p, a); }
  static f set1(float x) { return _mm256_set1_ps(x); }
  static f set2(float l, float r) { return _mm256_setr_ps(l, r, l, r, l, r, l, r); }
  static f add(f a, f b) { return _mm256_add_ps(a, b); }
  static f mul(f a, f b) { return _mm256_mul_ps(a, b); }
  static f madd(f a, f b, f c) { return _mm256_fmadd_ps(a, b, c); }
  static float madd1(float a, float b, float c) { return __builtin_fmaf(a, b, c); }
  static f abs(f a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
  static f max(f a, f b) { return _mm256_max_ps(a, b); }
  static f min(f a, f b) { return _mm256_min_ps(a, b); }
  static f lane_offsets() { return _mm256_setr_ps(1, 1, 2, 2, 3, 3, 4, 4); }
  static f load_s16(const std::int16_t* p) {
    return _mm256_cvtepi32_ps(_mm256_cvtepi16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))));
  }
  static i to_int(f a) { return _mm256_cvtps_epi32(a); }
  static std::uint64_t count_outside(i a) {
    const __m256i outside = _mm256_or_si256(_mm256_cmpgt_epi32(a, _mm256_set1_epi32(32767)),
                                            _mm256_cmpgt_epi32(_mm256_set1_epi32(-32768), a));
    return static_cast<std::uint64_t>(
        __builtin_popcount(static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(outside)))));
  }
  static void store_s16(std::int16_t* p, i a) {
    const __m128i packed = _mm_packs_epi32(_mm256_castsi256_si128(a), _mm256_extracti128_si256(a, 1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p), packed);
  }
  static void to_array(f a, float* out) { _mm256_storeu_ps(out, a); }
};

constinit const kernel_set avx2 = kernels_impl::make_kernel_set<avx2_vector>("avx2");

}  // namespace

const kernel_set& avx2_kernels() { return avx2; }

}  // namespace mixmatrix::mixer
