#include "protocol/values.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

namespace mixmatrix::protocol {

bool is_valid_name(std::string_view name) {
  if (name.empty() || name.size() > max_name_length) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

result<std::string> parse_name(std::string_view word) {
  if (is_valid_name(word)) return std::string(word);
  return failure{code::bad_request, "bad name (1 to 64 of A-Z a-z 0-9 _ . -)"};
}

result<double> parse_number(std::string_view word, double low, double high, std::string_view what) {
  double v = 0;
  const char* end = word.data() + word.size();
  if (!word.empty() && word.front() == '+') word.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(word.data(), end, v);
  if (word.empty() || ec != std::errc{} || ptr != end || !std::isfinite(v)) {
    return failure{code::bad_request, "bad " + std::string(what) + ": not a number"};
  }
  if (v < low || v > high) {
    char text[160];
    std::snprintf(text, sizeof text, "bad %.*s: %g (from %g to %g)", static_cast<int>(what.size()),
                  what.data(), v, low, high);
    return failure{code::bad_request, text};
  }
  return v;
}

result<std::uint32_t> parse_count(std::string_view word, std::uint32_t low, std::uint32_t high,
                                  std::string_view what) {
  std::uint32_t v = 0;
  const char* end = word.data() + word.size();
  auto [ptr, ec] = std::from_chars(word.data(), end, v);
  if (word.empty() || ec != std::errc{} || ptr != end || v < low || v > high) {
    return failure{code::bad_request, "bad " + std::string(what) + ": expected a whole number from " +
                                          std::to_string(low) + " to " + std::to_string(high)};
  }
  return v;
}

result<double> parse_gain_db(std::string_view word) {
  if (equals_ignoring_case(word, "-inf")) return -std::numeric_limits<double>::infinity();
  const auto db = parse_number(word, -std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
                               "gain (dB)");
  if (db && db.value() > max_gain_db) {
    return failure{code::bad_request, "gain must be -inf or at most +" + format_number(max_gain_db) +
                                          " dB, not " + std::string(word)};
  }
  return db;
}

result<std::uint16_t> parse_port(std::string_view word) {
  auto v = parse_count(word, 1, 65535, "port");
  if (!v) return v.error();
  return static_cast<std::uint16_t>(v.value());
}

std::string format_db(double db) {
  if (std::isinf(db) && db < 0) return "-inf";
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", db);
  return text;
}

std::string format_number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

bool equals_constant_time(std::string_view given, std::string_view secret) {
  unsigned difference = given.size() == secret.size() ? 0u : 1u;
  for (std::size_t i = 0; i < given.size(); ++i) {
    const char s = secret.empty() ? '\0' : secret[i % secret.size()];
    difference |= static_cast<unsigned>(static_cast<unsigned char>(given[i]) ^ static_cast<unsigned char>(s));
  }
  return difference == 0;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

}  // namespace mixmatrix::protocol
