#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "protocol/command_table.hpp"

// docs/PROTOCOL.md is the complete reference: every command `help` knows must be in it, as typed.
TEST_CASE("every command in help appears in docs/PROTOCOL.md with the same syntax") {
  std::ifstream file(MIXMATRIX_SOURCE_DIR "/docs/PROTOCOL.md");
  REQUIRE(file);
  std::stringstream text;
  text << file.rdbuf();
  const std::string doc = text.str();
  for (const auto& entry : mixmatrix::protocol::command_table()) {
    std::string syntax(entry.syntax);
    if (syntax.starts_with("stream: ")) syntax = syntax.substr(8);
    CHECK_MESSAGE(doc.find(syntax) != std::string::npos, syntax << " is not in docs/PROTOCOL.md");
  }
}
