#include <doctest/doctest.h>

#include "protocol/words.hpp"

using namespace mixmatrix::protocol;

TEST_CASE("split_words separates on spaces and tabs") {
  auto w = split_words("  route\tMIX   DJ1 \t -6  ");
  REQUIRE(w);
  CHECK(w.value() == std::vector<std::string>{"route", "MIX", "DJ1", "-6"});
}

TEST_CASE("split_words keeps quoted spaces and escapes") {
  auto w = split_words(R"(load "/tmp/my scenes/a \"b\" \\c.mix")");
  REQUIRE(w);
  REQUIRE(w.value().size() == 2);
  CHECK(w.value()[1] == R"(/tmp/my scenes/a "b" \c.mix)");
  auto empty = split_words(R"(x "")");
  REQUIRE(empty);
  CHECK(empty.value() == std::vector<std::string>{"x", ""});
}

TEST_CASE("split_words rejects an unterminated quote with 400") {
  auto w = split_words(R"(load "/tmp/a)");
  REQUIRE_FALSE(w);
  CHECK(w.error().code == code::bad_request);
}

TEST_CASE("quote_word round-trips through split_words") {
  for (std::string word : {"plain", "", "with space", "q\"uote", "back\\slash", "tab\there"}) {
    auto w = split_words("x " + quote_word(word));
    REQUIRE(w);
    REQUIRE(w.value().size() == 2);
    CHECK(w.value()[1] == word);
  }
}
