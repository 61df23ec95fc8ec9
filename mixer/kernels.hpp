#pragma once

#include <span>
#include <string_view>

#include "mixer/kernels/kernel_set.hpp"

namespace mixmatrix::mixer {

/// Every kernel set this CPU can run, the scalar reference first and the fastest last.
std::span<const kernel_set* const> available_kernels();
/// The set in use: the fastest available unless select_kernels() chose another. Lock-free to read.
const kernel_set& kernels();
/// Chooses the set named `name` (scalar, sse2, avx2, avx512); false if this CPU cannot run it.
/// Call before the engine starts.
bool select_kernels(std::string_view name);

}  // namespace mixmatrix::mixer
