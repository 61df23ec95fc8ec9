// The scalar reference: two lanes (one frame) of plain float arithmetic, no fused multiply-add.

#include "mixer/kernels/kernels_impl.hpp"

namespace mixmatrix::mixer {
namespace {

struct scalar_vector {
  static constexpr std::size_t width = 2;
  struct f {
    float v[2];
  };
  struct i {
    float v[2];  // already-rounded integers, kept as floats: every int16 sum fits exactly
  };
  static f load(const float* p) { return {{p[0], p[1]}}; }
  static void store(float* p, f a) { p[0] = a.v[0]; p[1] = a.v[1]; }
  static f set1(float x) { return {{x, x}}; }
  static f set2(float l, float r) { return {{l, r}}; }
  static f add(f a, f b) { return {{a.v[0] + b.v[0], a.v[1] + b.v[1]}}; }
  static f mul(f a, f b) { return {{a.v[0] * b.v[0], a.v[1] * b.v[1]}}; }
  static float madd1(float a, float b, float c) { return a * b + c; }
  static f madd(f a, f b, f c) { return {{madd1(a.v[0], b.v[0], c.v[0]), madd1(a.v[1], b.v[1], c.v[1])}}; }
  static f abs(f a) { return {{__builtin_fabsf(a.v[0]), __builtin_fabsf(a.v[1])}}; }
  static f max(f a, f b) { return {{kernels_impl::max_float(a.v[0], b.v[0]), kernels_impl::max_float(a.v[1], b.v[1])}}; }
  static f min(f a, f b) { return {{-kernels_impl::max_float(-a.v[0], -b.v[0]), -kernels_impl::max_float(-a.v[1], -b.v[1])}}; }
  static f lane_offsets() { return {{1.0f, 1.0f}}; }
  static f load_s16(const std::int16_t* p) { return {{static_cast<float>(p[0]), static_cast<float>(p[1])}}; }
  static i to_int(f a) { return {{__builtin_nearbyintf(a.v[0]), __builtin_nearbyintf(a.v[1])}}; }
  static std::uint64_t count_outside(i a) {
    return (a.v[0] > 32767.0f || a.v[0] < -32768.0f) + (a.v[1] > 32767.0f || a.v[1] < -32768.0f);
  }
  static void store_s16(std::int16_t* p, i a) {
    p[0] = static_cast<std::int16_t>(kernels_impl::clamp_float(a.v[0], -32768.0f, 32767.0f));
    p[1] = static_cast<std::int16_t>(kernels_impl::clamp_float(a.v[1], -32768.0f, 32767.0f));
  }
  static void to_array(f a, float* out) { out[0] = a.v[0]; out[1] = a.v[1]; }
};

constinit const kernel_set scalar = kernels_impl::make_kernel_set<scalar_vector>("scalar");

}  // namespace

const kernel_set& scalar_kernels() { return scalar; }

}  // namespace mixmatrix::mixer
