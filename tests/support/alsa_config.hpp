#pragma once

#include <string>

namespace mixmatrix::test {

/// Writes DIR/asound.conf, in which ALSA's default device is a CD-rate sound card (its crystal
/// `ppm` off: positive runs fast): ALSA's file plugin pipes what is played through pcm_pacer into
/// DIR/card.raw. Returns the value for ALSA_CONFIG_PATH (the system's configuration, then that file).
std::string paced_card_alsa_config(const std::string& dir, double ppm = 0.0);

}  // namespace mixmatrix::test
