#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "protocol/failure.hpp"

namespace mixmatrix::protocol {

/// Splits a command line into words separated by spaces or tabs. A double-quoted part may hold
/// spaces; inside it `\"` and `\\` stand for `"` and `\`. An unterminated quote is a 400 failure.
result<std::vector<std::string>> split_words(std::string_view line);

/// Quotes a word for a command line when it needs it (empty, spaces, tabs, quotes, backslashes).
std::string quote_word(std::string_view word);

}  // namespace mixmatrix::protocol
