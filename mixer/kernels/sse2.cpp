// SSE2, the x86-64 baseline: four lanes, separate multiply and add (bit-identical to scalar).
#include <emmintrin.h>

#include "mixer/kernels/kernels_impl.hpp"

namespace mixmatrix::mixer {
namespace {

struct sse2_vector {
  static constexpr std::size_t width = 4;
  using f = __m128;
  using i = __m128i;
  static f load(const float* p) { return _mm_loadu_ps(p); }
  static void store(float* p, f a) { _mm_storeu_ps(p, a); }
  static f set1(float x) { return _mm_set1_ps(x); }
  static f set2(float l, float r) { return _mm_setr_ps(l, r, l, r); }
  static f add(f a, f b) { return _mm_add_ps(a, b); }
  static f mul(f a, f b) { return _mm_mul_ps(a, b); }
  static f madd(f a, f b, f c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
  static float madd1(float a, float b, float c) { return a * b + c; }
  static f abs(f a) { return _mm_andnot_ps(_mm_set1_ps(-0.0f), a); }
  static f max(f a, f b) { return _mm_max_ps(a, b); }
  static f min(f a, f b) { return _mm_min_ps(a, b); }
  static f lane_offsets() { return _mm_setr_ps(1, 1, 2, 2); }
  static f load_s16(const std::int16_t* p) {
    const __m128i x = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
    return _mm_cvtepi32_ps(_mm_srai_epi32(_mm_unpacklo_epi16(x, x), 16));
  }
  static i to_int(f a) { return _mm_cvtps_epi32(a); }
  static std::uint64_t count_outside(i a) {
    const __m128i outside =
        _mm_or_si128(_mm_cmpgt_epi32(a, _mm_set1_epi32(32767)), _mm_cmplt_epi32(a, _mm_set1_epi32(-32768)));
    return static_cast<std::uint64_t>(__builtin_popcount(static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(outside)))));
  }
  static void store_s16(std::int16_t* p, i a) { _mm_storel_epi64(reinterpret_cast<__m128i*>(p), _mm_packs_epi32(a, a)); }
  static void to_array(f a, float* out) { _mm_storeu_ps(out, a); }
};

constinit const kernel_set sse2 = kernels_impl::make_kernel_set<sse2_vector>("sse2");

}  // namespace

const kernel_set& sse2_kernels() { return sse2; }

}  // namespace mixmatrix::mixer
