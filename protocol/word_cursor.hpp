#pragma once

// The command parsers' own reading aids, shared by command_parser.cpp and channel_parser.cpp.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/failure.hpp"
#include "protocol/values.hpp"

namespace mixmatrix::protocol {

/// The words after a command's own word(s), read left to right; keywords are case-insensitive.
class word_cursor {
 public:
  /// Reads `words` from index `first`; `words` outlives the cursor.
  word_cursor(const std::vector<std::string>& words, std::size_t first) : words_(words), at_(first) {}

  /// True when every word is taken.
  bool done() const { return at_ >= words_.size(); }
  /// How many words are not taken yet.
  std::size_t left() const { return done() ? 0 : words_.size() - at_; }
  /// Takes the next word; only when !done().
  const std::string& take() { return words_[at_++]; }
  /// The next word, left in place; only when !done().
  const std::string& next() const { return words_[at_]; }
  /// Takes the next word if it is `keyword`.
  bool take_keyword(std::string_view keyword) {
    if (done() || !equals_ignoring_case(words_[at_], keyword)) return false;
    ++at_;
    return true;
  }

 private:
  const std::vector<std::string>& words_;
  std::size_t at_;
};

/// The 400 of a line that does not read as its command's syntax: `usage: USAGE`.
inline failure syntax(std::string_view usage) {
  return failure{code::bad_request, "usage: " + std::string(usage)};
}

/// MIX SOURCE, two names (route, unroute, mute, pan, duck, mix-minus); at least two words left.
inline result<std::pair<std::string, std::string>> take_crosspoint(word_cursor& c) {
  auto mix = parse_name(c.take());
  if (!mix) return mix.error();
  auto source = parse_name(c.take());
  if (!source) return source.error();
  return std::pair{mix.value(), source.value()};
}

}  // namespace mixmatrix::protocol
