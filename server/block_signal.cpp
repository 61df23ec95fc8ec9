#include "server/block_signal.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

namespace mixmatrix::server {

block_signal::block_signal() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

block_signal::~block_signal() {
  ::close(fd_);
}

void block_signal::notify() const {
  const std::uint64_t one = 1;
  // Non-blocking: it could only fail with a counter at its limit, which a reader far behind
  // still sees as readable.
  [[maybe_unused]] const auto written = ::write(fd_, &one, sizeof one);
}

}  // namespace mixmatrix::server
