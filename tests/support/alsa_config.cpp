#include "tests/support/alsa_config.hpp"

#include <fstream>

namespace mixmatrix::test {

std::string paced_card_alsa_config(const std::string& dir) {
  std::ofstream(dir + "/asound.conf")
      << "pcm.!default { type plug; slave.pcm { type file; slave.pcm \"null\"; "
      << "file \"| " PCM_PACER_PATH " " << dir << "/card.raw\"; format \"raw\" } }\n";
  return "/usr/share/alsa/alsa.conf:" + dir + "/asound.conf";
}

}  // namespace mixmatrix::test
