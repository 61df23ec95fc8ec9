#include <sys/resource.h>

#include <cstdio>
#include <string>
#include <vector>

#include "server/log.hpp"
#include "server/mixmatrix_server.hpp"
#include "server/net/accept_loop.hpp"
#include "server/process_limits.hpp"
#include "server/server_options.hpp"

int main(int argc, char** argv) {
  using namespace mixmatrix::server;
  const auto parsed = parse_server_options(std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed.options) {
    std::fprintf(parsed.exit_code == 0 ? stdout : stderr, "%s\n", parsed.message.c_str());
    return parsed.exit_code;
  }
  set_log_level(parsed.options->level);
  // As PulseAudio does for its main loop: when other programs load the machine, the network thread
  // and the workers still get their turn, so listeners' audio keeps flowing. Linux nice levels are
  // per thread: this one and those created from it after this (the engine thread runs SCHED_FIFO).
  if (::setpriority(PRIO_PROCESS, 0, parsed.options->nice) != 0) {
    log(log_level::info, "nice level " + std::to_string(parsed.options->nice) + " refused; the network thread runs at " +
                             std::to_string(::getpriority(PRIO_PROCESS, 0)));
  }
  // Thousands of streams take thousands of descriptors: use what the system allows.
  raise_descriptor_limit();
  try {
    mixmatrix_server server(*parsed.options);
    return server.run();
  } catch (const listen_error& e) {
    std::fprintf(stderr, "mixmatrixd: %s\n", e.what());
    return 1;
  } catch (const boost::system::system_error& e) {
    std::fprintf(stderr, "mixmatrixd: cannot start: %s\n", e.what());
    return 1;
  }
}
