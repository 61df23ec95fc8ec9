# MIXMATRIX_FUZZ: the libFuzzer targets of tests/fuzz. Every target of ours is then built with
# libFuzzer's coverage instrumentation (no libFuzzer main: only the fuzz executables link it, with
# -fsanitize=fuzzer), ASan and UBSan (any UB report aborts, so libFuzzer keeps it as a crash) and
# libstdc++'s bounds assertions. Included before the libraries are defined, so they all get it.
if(MIXMATRIX_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MIXMATRIX_FUZZ needs clang for libFuzzer (CXX=clang++-14); this is ${CMAKE_CXX_COMPILER_ID}")
  endif()
  if(MIXMATRIX_SANITIZE)
    message(FATAL_ERROR "MIXMATRIX_FUZZ brings ASan and UBSan itself; leave MIXMATRIX_SANITIZE empty")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=all -D_GLIBCXX_ASSERTIONS)
  add_link_options(-fsanitize=fuzzer-no-link,address,undefined)
endif()
