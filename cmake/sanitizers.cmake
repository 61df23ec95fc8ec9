# MIXMATRIX_SANITIZE: empty, "address,undefined" or "thread"; applied to every target of ours.
set(MIXMATRIX_SANITIZE "" CACHE STRING "Sanitizers to build with (address,undefined | thread)")
if(MIXMATRIX_SANITIZE)
  add_compile_options(-fsanitize=${MIXMATRIX_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${MIXMATRIX_SANITIZE})
  if(MIXMATRIX_SANITIZE MATCHES "thread" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # Asio's scheduler uses std::atomic_thread_fence, which g++ warns TSan cannot model; ours doesn't.
    add_compile_options(-Wno-tsan)
  endif()
endif()
