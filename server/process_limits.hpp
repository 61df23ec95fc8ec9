#pragma once

namespace mixmatrix::server {

/// The process's file descriptors: in use (from /proc/self/fd) and the limit, for `stats`.
struct descriptor_count {
  long open;
  long limit;
};

/// Counts the descriptors in use now (a directory read of procfs; no disk).
descriptor_count count_descriptors();
/// Raises the soft limit of descriptors to the hard limit, as servers do at start; returns the
/// limit in force.
long raise_descriptor_limit();

}  // namespace mixmatrix::server
