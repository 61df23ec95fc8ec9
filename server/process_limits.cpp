#include "server/process_limits.hpp"

#include <dirent.h>
#include <sys/resource.h>

namespace mixmatrix::server {

descriptor_count count_descriptors() {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  const auto max = static_cast<long>(limit.rlim_cur);
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return {max, max};  // not even one descriptor left to look
  long open = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') ++open;
  }
  ::closedir(dir);
  return {open - 1, max};  // less the directory stream's own
}

long raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  return static_cast<long>(limit.rlim_cur);
}

}  // namespace mixmatrix::server
