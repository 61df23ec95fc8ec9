#pragma once

#include <string>
#include <vector>

#include "protocol/command.hpp"
#include "protocol/failure.hpp"

namespace mixmatrix::protocol {

/// Parses one command from its words (see split_words); the command word is case-insensitive,
/// names are not. Every syntax problem is a 400 failure whose text says what was expected.
result<command> parse_command(const std::vector<std::string>& words);

}  // namespace mixmatrix::protocol
