#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/command.hpp"

namespace mixmatrix::protocol {

/// What the server must know of a command before it runs it.
struct command_traits {
  bool changes_scene = false;  ///< saved to the state file and announced to watchers when it succeeds
  bool in_salvo = false;       ///< may be queued between `begin` and `commit`
  bool uses_device = false;    ///< talks to the sound device (PortAudio), which may take long
  bool before_auth = false;    ///< allowed before `auth` succeeds
};

/// One line of `help`: a syntax, what it does, and the traits of the command it parses to.
struct command_entry {
  std::string_view syntax;
  std::string_view summary;
  std::size_t kind;  ///< the command's index in the `command` variant; no_command for stream-port lines
  command_traits traits;
};

/// The kind of the stream-port lines in the table, which are not control commands.
inline constexpr std::size_t no_command = std::variant_size_v<command>;

/// Every command syntax, in the order `help` lists them (one command may have several lines);
/// the one place a command's help and traits are declared.
std::span<const command_entry> command_table();
/// The places of `words` (a command line split into words) that name a file the server opens: PATH
/// in the syntax of the command table's line they match (`record MIX PATH` gives {2}).
std::vector<std::size_t> path_words(std::span<const std::string> words);
/// The traits of a parsed command, from command_table().
const command_traits& traits_of(const command& c);

}  // namespace mixmatrix::protocol
