#pragma once

#include "protocol/command.hpp"
#include "protocol/failure.hpp"
#include "protocol/word_cursor.hpp"

namespace mixmatrix::protocol {

/// `input add ...` or `input remove NAME`, the words after `input`.
result<command> parse_input(word_cursor& c);
/// `mix add ...` or `mix remove|on|off NAME`, the words after `mix`.
result<command> parse_mix(word_cursor& c);

}  // namespace mixmatrix::protocol
