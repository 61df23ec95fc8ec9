# Third-party dependencies as imported targets.
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)            # Asio and Beast: headers, compiled once below
find_package(nlohmann_json 3 REQUIRED)      # JSON of the web surface
find_package(PkgConfig REQUIRED)
pkg_check_modules(PORTAUDIO REQUIRED IMPORTED_TARGET portaudio-2.0)
pkg_check_modules(SNDFILE REQUIRED IMPORTED_TARGET sndfile)
pkg_check_modules(ALSA REQUIRED IMPORTED_TARGET alsa)  # only to quiet PortAudio's probing (audio_io)
pkg_check_modules(JACK REQUIRED IMPORTED_TARGET jack)  # the same
if(MIXMATRIX_TESTS)
  find_package(doctest REQUIRED)
  include(doctest)
endif()

# Asio and Beast in their separate-compilation mode: their non-template code is compiled once, in
# boost_impl.cpp, not in each of the ~40 files that include them (a fifth of each such file's time).
# Everything that includes Asio links mixmatrix::boost instead of Boost::headers.
add_library(mixmatrix_boost STATIC ${CMAKE_CURRENT_LIST_DIR}/boost_impl.cpp)
target_compile_definitions(mixmatrix_boost PUBLIC BOOST_ASIO_SEPARATE_COMPILATION BOOST_BEAST_SEPARATE_COMPILATION)
target_link_libraries(mixmatrix_boost PUBLIC Boost::headers Threads::Threads)
add_library(mixmatrix::boost ALIAS mixmatrix_boost)
