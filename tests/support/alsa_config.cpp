#include "tests/support/alsa_config.hpp"

#include <fstream>
#include <string>

namespace mixmatrix::test {

std::string paced_card_alsa_config(const std::string& dir, double ppm) {
  std::ofstream(dir + "/asound.conf")
      << "pcm.!default { type plug; slave.pcm { type file; slave.pcm \"null\"; "
      << "file \"| " PCM_PACER_PATH " " << dir << "/card.raw " << std::to_string(176400.0 * (1.0 + ppm * 1e-6))
      << "\"; format \"raw\" } }\n";
  return "/usr/share/alsa/alsa.conf:" + dir + "/asound.conf";
}

}  // namespace mixmatrix::test
