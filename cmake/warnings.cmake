# Warnings for every target of ours, as an INTERFACE target; CI turns MIXMATRIX_WERROR on.
add_library(mixmatrix_warnings INTERFACE)
add_library(mixmatrix::warnings ALIAS mixmatrix_warnings)
target_compile_options(mixmatrix_warnings INTERFACE
  -Wall -Wextra -Wshadow -Wconversion -Wsign-conversion -Wpedantic
  $<$<BOOL:${MIXMATRIX_WERROR}>:-Werror>)
