#include "server/net/descriptor_reserve.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mixmatrix::server {
namespace {
int open_reserve() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }
}  // namespace

descriptor_reserve::descriptor_reserve() : fd_(open_reserve()) {}

descriptor_reserve::~descriptor_reserve() {
  if (fd_ >= 0) ::close(fd_);
}

bool descriptor_reserve::refuse_one(int listener) {
  if (fd_ < 0) fd_ = open_reserve();
  if (fd_ < 0) return false;
  ::close(fd_);
  const int connection = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (connection >= 0) ::close(connection);
  fd_ = open_reserve();
  return connection >= 0;
}

}  // namespace mixmatrix::server
