#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/failure.hpp"

namespace mixmatrix::protocol {

/// Longest channel name, in bytes.
inline constexpr std::size_t max_name_length = 64;
/// Highest gain a crosspoint or master may have, in dB.
inline constexpr double max_gain_db = 24.0;

/// True for 1 to 64 of `A-Z a-z 0-9 _ . -`.
bool is_valid_name(std::string_view name);
/// The name itself, or a 400 failure saying why it is not one.
result<std::string> parse_name(std::string_view word);
/// A gain in dB: a number up to +24, or `-inf`.
result<double> parse_gain_db(std::string_view word);
/// A TCP port, 1 to 65535.
result<std::uint16_t> parse_port(std::string_view word);
/// A finite decimal number in [low, high]; `what` names it in the failure text.
result<double> parse_number(std::string_view word, double low, double high, std::string_view what);
/// A whole number in [low, high]; `what` names it in the failure text.
result<std::uint32_t> parse_count(std::string_view word, std::uint32_t low, std::uint32_t high,
                                  std::string_view what);
/// dB as the protocol prints it: `-6.00`, `0.00`, `-inf`.
std::string format_db(double db);
/// A plain number in its shortest form, up to six significant digits: `50`, `-12.5`.
std::string format_number(double v);
/// True when `given` equals `secret`, in time that depends only on their lengths (no early exit).
bool equals_constant_time(std::string_view given, std::string_view secret);
/// True when two words are equal ignoring ASCII case.
bool equals_ignoring_case(std::string_view a, std::string_view b);

}  // namespace mixmatrix::protocol
