#include "protocol/stream_format.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include "protocol/values.hpp"

namespace mixmatrix::protocol {
namespace {

constexpr std::array formats{sample_format::s16le, sample_format::s24le, sample_format::s32le,
                             sample_format::f32le};

// A word is echoed in a refusal only when it is plainly a token (an arbitrary word may hold a CR),
// and in lower case: FORMAT's case must not change the answer.
std::string echo(std::string_view word) {
  if (!is_valid_name(word)) return {};
  std::string lower(word);
  for (char& c : lower) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  return " " + lower;
}

result<std::uint32_t> parse_within(std::string_view word, std::uint32_t low, std::uint32_t high,
                                   std::string_view what, std::string_view expected) {
  auto v = parse_count(word, 0, std::numeric_limits<std::uint32_t>::max(), what);
  if (!v) return v.error();
  if (v.value() < low || v.value() > high) {
    return failure{code::bad_request, "unsupported " + std::string(what) + echo(word) + " (expected " +
                                          std::string(expected) + ")"};
  }
  return v.value();
}

}  // namespace

stream_format backplane_format(std::uint32_t rate) {
  return {sample_format::s16le, rate, 2};
}

result<stream_format> parse_stream_format(std::string_view format, std::string_view rate,
                                          std::string_view channels) {
  const auto known = std::find_if(formats.begin(), formats.end(), [&](sample_format s) {
    return equals_ignoring_case(format, sample_format_name(s));
  });
  if (known == formats.end()) {
    return failure{code::bad_request,
                   "unsupported format" + echo(format) + " (expected s16le, s24le, s32le or f32le)"};
  }
  stream_format f;
  f.sample = *known;
  auto hz = parse_within(rate, min_stream_rate, max_stream_rate, "rate",
                         std::to_string(min_stream_rate) + " to " + std::to_string(max_stream_rate));
  if (!hz) return hz.error();
  f.rate = hz.value();
  auto count = parse_within(channels, 1, 2, "channels", "1 or 2");
  if (!count) return count.error();
  f.channels = count.value();
  return f;
}

std::string format_stream_format(const stream_format& f) {
  return std::string(sample_format_name(f.sample)) + " " + std::to_string(f.rate) + " " +
         std::to_string(f.channels);
}

std::string_view sample_format_name(sample_format s) {
  switch (s) {
    case sample_format::s24le:
      return "s24le";
    case sample_format::s32le:
      return "s32le";
    case sample_format::f32le:
      return "f32le";
    case sample_format::s16le:
      break;
  }
  return "s16le";
}

}  // namespace mixmatrix::protocol
