# Third-party dependencies as imported targets.
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)            # Asio is header-only
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
