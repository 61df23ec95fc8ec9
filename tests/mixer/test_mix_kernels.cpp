#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "mixer/kernels.hpp"

using namespace mixmatrix::mixer;

namespace {

// Odd lengths (tails of every width), and offsets that make every span unaligned.
constexpr std::size_t lengths[] = {0, 2, 6, 14, 30, 34, 62, 512, 1026};
constexpr std::size_t offsets[] = {0, 1, 3};

std::vector<float> random_floats(std::size_t n, float scale, unsigned seed) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<float> dist(-scale, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(random);
  // Edge values: full scale both ways, zeros, denormals.
  const float edges[] = {1.0f, -1.0f, 0.0f, -0.0f, std::numeric_limits<float>::denorm_min(), -1e-40f, 0.99997f};
  for (std::size_t i = 0; i < n && i < 7; ++i) v[i * 3 % n] = edges[i];
  return v;
}

std::vector<std::int16_t> to_s16(const kernel_set& k, const std::vector<float>& x) {
  std::vector<std::int16_t> out(x.size());
  k.float_to_s16(x.data(), out.data(), x.size());
  return out;
}

// Within one LSB once rounded to int16, as the issue allows where fused multiply-add differs.
void check_within_one_lsb(const kernel_set& k, const std::vector<float>& got, const std::vector<float>& want) {
  const auto a = to_s16(k, got);
  const auto b = to_s16(scalar_kernels(), want);
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::abs(a[i] - b[i]) > 1) FAIL_CHECK(k.name << " sample " << i << ": " << a[i] << " vs " << b[i]);
  }
}

}  // namespace

TEST_CASE("every kernel set this CPU runs matches the scalar reference") {
  const kernel_set& ref = scalar_kernels();
  for (const kernel_set* set : available_kernels()) {
    const kernel_set& k = *set;
    INFO("kernel set " << k.name);
    for (std::size_t n : lengths) {
      for (std::size_t off : offsets) {
        INFO("length " << n << ", offset " << off);
        // s16 -> float: exact.
        std::vector<std::int16_t> pcm(n + off);
        for (std::size_t i = 0; i < pcm.size(); ++i) pcm[i] = static_cast<std::int16_t>((i * 7919) % 65536 - 32768);
        std::vector<float> a(n + off), b(n + off);
        k.s16_to_float(pcm.data() + off, a.data() + off, n);
        ref.s16_to_float(pcm.data() + off, b.data() + off, n);
        CHECK(a == b);

        // float -> s16 with saturation and clip count: exact (rounding is the same everywhere).
        auto loud = random_floats(n + off, 1.5f, 7);
        std::vector<std::int16_t> s1(n + off), s2(n + off);
        CHECK(k.float_to_s16(loud.data() + off, s1.data() + off, n) == ref.float_to_s16(loud.data() + off, s2.data() + off, n));
        CHECK(s1 == s2);

        // mix of 1..7 sources (groups of four and the rest), constant gains.
        for (std::size_t count = 1; count <= 7; ++count) {
          std::vector<std::vector<float>> sources;
          std::vector<const float*> pointers;
          std::vector<float> gains;
          for (std::size_t s = 0; s < count; ++s) {
            sources.push_back(random_floats(n + off, 1.0f, static_cast<unsigned>(s + 1)));
            pointers.push_back(sources.back().data() + off);
            gains.push_back(0.25f + 0.5f * static_cast<float>(s));
          }
          auto got = random_floats(n + off, 0.5f, 99);
          auto want = got;
          k.mix(got.data() + off, pointers.data(), gains.data(), count, n);
          ref.mix(want.data() + off, pointers.data(), gains.data(), count, n);
          if (std::string(k.name) == "sse2") CHECK(got == want);  // same operations, same order
          check_within_one_lsb(k, got, want);
        }

        // mix_s16 is s16_to_float then mix, bit for bit, on every set.
        for (std::size_t count = 1; count <= 5; ++count) {
          std::vector<std::vector<std::int16_t>> ints;
          std::vector<std::vector<float>> floats;
          std::vector<const std::int16_t*> int_pointers;
          std::vector<const float*> float_pointers;
          std::vector<float> gains;
          for (std::size_t s = 0; s < count; ++s) {
            ints.emplace_back(n + off);
            for (std::size_t i = 0; i < n + off; ++i) ints.back()[i] = static_cast<std::int16_t>((i * 7919 + s * 31) % 65536 - 32768);
            floats.emplace_back(n + off);
            k.s16_to_float(ints.back().data(), floats.back().data(), n + off);
            gains.push_back(0.3f + 0.2f * static_cast<float>(s));
          }
          for (std::size_t s = 0; s < count; ++s) {
            int_pointers.push_back(ints[s].data() + off);
            float_pointers.push_back(floats[s].data() + off);
          }
          auto fused = random_floats(n + off, 0.5f, 5);
          auto separate = fused;
          k.mix_s16(fused.data() + off, int_pointers.data(), gains.data(), count, n);
          k.mix(separate.data() + off, float_pointers.data(), gains.data(), count, n);
          CHECK(fused == separate);  // the same operations in the same order
          check_within_one_lsb(k, fused, separate);
        }

        // panned mix of 1..7 sources: per-channel gains, and with equal channels exactly mix.
        for (std::size_t count = 1; count <= 7; ++count) {
          std::vector<std::vector<float>> sources;
          std::vector<const float*> pointers;
          std::vector<float> left, right;
          for (std::size_t s = 0; s < count; ++s) {
            sources.push_back(random_floats(n + off, 1.0f, static_cast<unsigned>(s + 11)));
            pointers.push_back(sources.back().data() + off);
            left.push_back(0.2f + 0.3f * static_cast<float>(s));
            right.push_back(1.1f - 0.15f * static_cast<float>(s));
          }
          auto got = random_floats(n + off, 0.5f, 98);
          auto want = got;
          k.mix_stereo(got.data() + off, pointers.data(), left.data(), right.data(), count, n);
          ref.mix_stereo(want.data() + off, pointers.data(), left.data(), right.data(), count, n);
          if (std::string(k.name) == "sse2") CHECK(got == want);
          check_within_one_lsb(k, got, want);
          // Each channel on its own is a mono mix with that channel's gains.
          for (int c = 0; c < 2; ++c) {
            auto mono = random_floats(n + off, 0.5f, 98);
            k.mix(mono.data() + off, pointers.data(), c == 0 ? left.data() : right.data(), count, n);
            for (std::size_t i = off + static_cast<std::size_t>(c); i < n + off; i += 2) CHECK(got[i] == mono[i]);
          }
          auto equal = random_floats(n + off, 0.5f, 97);
          auto plain = equal;
          k.mix_stereo(equal.data() + off, pointers.data(), left.data(), left.data(), count, n);
          k.mix(plain.data() + off, pointers.data(), left.data(), count, n);
          CHECK(equal == plain);
        }

        // mix_into: a sum less one source, in one pass, as a copy and a mix would give it.
        {
          const auto sum = random_floats(n + off, 1.0f, 21);
          const auto source = random_floats(n + off, 1.0f, 22);
          std::vector<float> got(n + off, 0.0f), want(n + off, 0.0f);
          auto copied = sum;
          k.mix_into(got.data() + off, sum.data() + off, source.data() + off, -0.7f, n);
          ref.mix_into(want.data() + off, sum.data() + off, source.data() + off, -0.7f, n);
          const float* src = source.data() + off;
          const float g = -0.7f;
          k.mix(copied.data() + off, &src, &g, 1, n);
          for (std::size_t i = off; i < n + off; ++i) CHECK(got[i] == copied[i]);
          check_within_one_lsb(k, got, want);
        }

        // stereo ramps: per-channel, and with equal channels exactly mix_ramp.
        {
          const auto source = random_floats(n + off, 1.0f, 31);
          auto got = random_floats(n + off, 0.5f, 32);
          auto want = got;
          auto mono = got;
          auto equal = got;
          k.mix_ramp_stereo(got.data() + off, source.data() + off, n, 0.1f, 1.7f, 1.0f, 0.0f);
          ref.mix_ramp_stereo(want.data() + off, source.data() + off, n, 0.1f, 1.7f, 1.0f, 0.0f);
          check_within_one_lsb(k, got, want);
          k.mix_ramp(mono.data() + off, source.data() + off, n, 0.1f, 1.7f);
          for (std::size_t i = off; i < n + off; i += 2) CHECK(got[i] == mono[i]);
          auto mono_right = random_floats(n + off, 0.5f, 32);
          k.mix_ramp(mono_right.data() + off, source.data() + off, n, 1.0f, 0.0f);
          for (std::size_t i = off + 1; i < n + off; i += 2) CHECK(got[i] == mono_right[i]);
          k.mix_ramp_stereo(equal.data() + off, source.data() + off, n, 0.1f, 1.7f, 0.1f, 1.7f);
          CHECK(equal == mono);
        }

        // ramps, into a bus and applied to a bus.
        const auto source = random_floats(n + off, 1.0f, 3);
        auto got = random_floats(n + off, 0.5f, 4);
        auto want = got;
        k.mix_ramp(got.data() + off, source.data() + off, n, 0.1f, 1.7f);
        ref.mix_ramp(want.data() + off, source.data() + off, n, 0.1f, 1.7f);
        check_within_one_lsb(k, got, want);
        k.apply_gain(got.data() + off, n, 1.0f, 0.0f);
        ref.apply_gain(want.data() + off, n, 1.0f, 0.0f);
        check_within_one_lsb(k, got, want);
        if (n >= 2) CHECK(got[off + n - 1] == 0.0f);  // a ramp ends on its target exactly

        // meters: peaks exact, sums of squares within float rounding.
        const auto levels = k.measure(source.data() + off, n);
        const auto expected = ref.measure(source.data() + off, n);
        for (int c = 0; c < 2; ++c) {
          CHECK(levels.peak[c] == expected.peak[c]);
          CHECK(levels.sum_squares[c] == doctest::Approx(expected.sum_squares[c]).epsilon(1e-5));
        }
      }
    }
  }
}

TEST_CASE("s16_to_float and back is exact for every int16, on every set") {
  std::vector<std::int16_t> in;
  for (int v = -32768; v <= 32767; ++v) in.push_back(static_cast<std::int16_t>(v));
  for (const kernel_set* k : available_kernels()) {
    std::vector<float> f(in.size());
    std::vector<std::int16_t> out(in.size());
    k->s16_to_float(in.data(), f.data(), in.size());
    CHECK(f.front() == -1.0f);
    CHECK(k->float_to_s16(f.data(), out.data(), f.size()) == 0);
    CHECK_MESSAGE(out == in, k->name);
  }
}

TEST_CASE("float_to_s16 saturates instead of wrapping, and counts clips") {
  for (const kernel_set* k : available_kernels()) {
    INFO(k->name);
    std::vector<float> in{1.0f, 1.5f, -1.0f, -1.0001f, 0.99997f, -2.0f, 1e30f, -1e30f};
    std::vector<std::int16_t> out(in.size());
    CHECK(k->float_to_s16(in.data(), out.data(), in.size()) == 6);  // all but -1.0 and 0.99997
    CHECK(out == std::vector<std::int16_t>{32767, 32767, -32768, -32768, 32767, -32768, 32767, -32768});
  }
}

TEST_CASE("mix_ramp ramps per frame and ends on its target") {
  std::vector<float> ramp(8, 0.0f);
  std::vector<float> src(8, 1.0f);
  scalar_kernels().mix_ramp(ramp.data(), src.data(), 8, 0.0f, 1.0f);  // 4 frames: 0.25, 0.5, 0.75, 1.0
  CHECK(ramp == std::vector<float>{0.25f, 0.25f, 0.5f, 0.5f, 0.75f, 0.75f, 1.0f, 1.0f});
}

TEST_CASE("mix_ramp_stereo ramps each channel per frame and ends on its targets") {
  std::vector<float> acc(8, 0.0f);
  std::vector<float> src(8, 1.0f);
  scalar_kernels().mix_ramp_stereo(acc.data(), src.data(), 8, 0.0f, 1.0f, 1.0f, 0.0f);
  CHECK(acc == std::vector<float>{0.25f, 0.75f, 0.5f, 0.5f, 0.75f, 0.25f, 1.0f, 0.0f});
}

TEST_CASE("the fastest set is in use unless another is chosen") {
  CHECK(std::string(kernels().name) == available_kernels().back()->name);
  CHECK(select_kernels("scalar"));
  CHECK(std::string(kernels().name) == "scalar");
  CHECK_FALSE(select_kernels("neon"));
  CHECK(select_kernels(available_kernels().back()->name));
  MESSAGE("kernel sets here: " << available_kernels().size() << ", using " << std::string(kernels().name));
}
