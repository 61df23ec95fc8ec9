#pragma once

#include <span>
#include <string_view>

namespace mixmatrix::protocol {

/// One command's syntax and what it does, as `help` prints it.
struct command_help {
  std::string_view syntax;
  std::string_view summary;
};

/// Every command, in the order `help` lists them.
std::span<const command_help> help_table();

}  // namespace mixmatrix::protocol
