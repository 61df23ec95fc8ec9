#include "clients/command_line.hpp"

#include <cstdio>
#include <cstdlib>

namespace mixmatrix::clients {

void answer_help_or_version(const std::string& arg, const char* program, const char* usage) {
  if (arg == "--help" || arg == "-h") {
    std::fputs(usage, stdout);
    std::exit(0);
  }
  if (arg == "--version") {
    std::printf("%s " MIXMATRIX_VERSION "\n", program);
    std::exit(0);
  }
}

void fail(const char* program, const std::string& text, int status) {
  std::fprintf(stderr, "%s: %s\n", program, text.c_str());
  std::exit(status);
}

}  // namespace mixmatrix::clients
