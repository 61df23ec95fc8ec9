#include <cstdio>
#include <string>
#include <vector>

#include "server/endpoint.hpp"
#include "server/log.hpp"
#include "server/mixmatrix_server.hpp"
#include "server/server_options.hpp"

int main(int argc, char** argv) {
  using namespace mixmatrix::server;
  const auto parsed = parse_server_options(std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed.options) {
    std::fprintf(parsed.exit_code == 0 ? stdout : stderr, "%s\n", parsed.message.c_str());
    return parsed.exit_code;
  }
  set_log_level(parsed.options->level);
  try {
    mixmatrix_server server(*parsed.options);
    return server.run();
  } catch (const boost::system::system_error& e) {
    std::fprintf(stderr, "mixmatrixd: cannot start: %s\n", e.what());
    return 1;
  }
}
