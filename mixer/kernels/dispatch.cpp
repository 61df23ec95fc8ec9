#include <vector>

#include "mixer/kernels.hpp"

namespace mixmatrix::mixer {
namespace {

std::vector<const kernel_set*> detect() {
  __builtin_cpu_init();
  std::vector<const kernel_set*> sets{&scalar_kernels(), &sse2_kernels()};
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) sets.push_back(&avx2_kernels());
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) {
    sets.push_back(&avx512_kernels());
  }
  return sets;
}

const std::vector<const kernel_set*>& sets() {
  static const std::vector<const kernel_set*> detected = detect();
  return detected;
}

const kernel_set* active = sets().back();

}  // namespace

std::span<const kernel_set* const> available_kernels() { return sets(); }

const kernel_set& kernels() { return *active; }

bool select_kernels(std::string_view name) {
  for (const kernel_set* set : sets()) {
    if (name == set->name) {
      active = set;
      return true;
    }
  }
  return false;
}

}  // namespace mixmatrix::mixer
