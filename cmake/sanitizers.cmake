# MIXMATRIX_SANITIZE: empty, "address,undefined" or "thread"; applied to every target of ours.
set(MIXMATRIX_SANITIZE "" CACHE STRING "Sanitizers to build with (address,undefined | thread)")
if(MIXMATRIX_SANITIZE)
  add_compile_options(-fsanitize=${MIXMATRIX_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${MIXMATRIX_SANITIZE})
endif()
