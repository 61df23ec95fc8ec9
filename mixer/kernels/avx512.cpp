// AVX-512 (F, BW, VL): sixteen lanes, fused multiply-add, saturating int32-to-int16 stores.
#include <immintrin.h>


#include "mixer/kernels/kernels_impl.hpp"

namespace mixmatrix::mixer {
namespace {

struct avx512_vector {
  static constexpr std::size_t width = 16;
  using f = __m512;
  using i = __m512i;
  static f load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, f a) { _mm512_storeu_ps(p, a); }
  static f set1(float x) { return _mm512_set1_ps(x); }
  static f set2(float l, float r) { return _mm512_setr_ps(l, r, l, r, l, r, l, r, l, r, l, r, l, r, l, r); }
  static f add(f a, f b) { return _mm512_add_ps(a, b); }
  static f mul(f a, f b) { return _mm512_mul_ps(a, b); }
  static f madd(f a, f b, f c) { return _mm512_fmadd_ps(a, b, c); }
  static float madd1(float a, float b, float c) { return __builtin_fmaf(a, b, c); }
  static f abs(f a) { return _mm512_abs_ps(a); }
  static f max(f a, f b) { return _mm512_max_ps(a, b); }
  static f min(f a, f b) { return _mm512_min_ps(a, b); }
  static f lane_offsets() { return _mm512_setr_ps(1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8); }
  static f load_s16(const std::int16_t* p) {
    return _mm512_cvtepi32_ps(_mm512_cvtepi16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p))));
  }
  static i to_int(f a) { return _mm512_cvtps_epi32(a); }
  static std::uint64_t count_outside(i a) {
    const __mmask16 high = _mm512_cmpgt_epi32_mask(a, _mm512_set1_epi32(32767));
    const __mmask16 low = _mm512_cmplt_epi32_mask(a, _mm512_set1_epi32(-32768));
    return static_cast<std::uint64_t>(__builtin_popcount(static_cast<unsigned>(high | low)));
  }
  static void store_s16(std::int16_t* p, i a) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), _mm512_cvtsepi32_epi16(a));
  }
  static void to_array(f a, float* out) { _mm512_storeu_ps(out, a); }
};

constinit const kernel_set avx512 = kernels_impl::make_kernel_set<avx512_vector>("avx512");

}  // namespace

const kernel_set& avx512_kernels() { return avx512; }

}  // namespace mixmatrix::mixer
