#include <doctest/doctest.h>

#include "protocol/stream_format.hpp"

using namespace mixmatrix::protocol;

namespace {
std::string refusal(std::string_view format, std::string_view rate, std::string_view channels) {
  auto f = parse_stream_format(format, rate, channels);
  REQUIRE_FALSE(f);
  CHECK(f.error().code == code::bad_request);
  return f.error().text;
}
}  // namespace

TEST_CASE("stream format: every FORMAT, case-insensitive, RATE 8000 to 192000, 1 or 2 CHANNELS") {
  const std::pair<const char*, sample_format> names[] = {{"s16le", sample_format::s16le},
                                                         {"S24LE", sample_format::s24le},
                                                         {"s32LE", sample_format::s32le},
                                                         {"f32le", sample_format::f32le}};
  for (const auto& [word, sample] : names) {
    auto f = parse_stream_format(word, "48000", "1");
    REQUIRE(f);
    CHECK(f.value() == stream_format{sample, 48000, 1});
  }
  CHECK(parse_stream_format("s16le", "8000", "2").value().rate == 8000);
  CHECK(parse_stream_format("s16le", "192000", "2").value().rate == 192000);
  CHECK(parse_stream_format("s16le", "44100", "2").value() == backplane_format(44100));
}

TEST_CASE("stream format: the formatter writes what the parser reads") {
  CHECK(format_stream_format({sample_format::s24le, 48000, 1}) == "s24le 48000 1");
  CHECK(format_stream_format(backplane_format(44100)) == "s16le 44100 2");
  for (auto sample :
       {sample_format::s16le, sample_format::s24le, sample_format::s32le, sample_format::f32le}) {
    for (std::uint32_t channels : {1u, 2u}) {
      const stream_format f{sample, 96000, channels};
      const std::string text = format_stream_format(f);
      const auto space = text.find(' ');
      const auto last = text.rfind(' ');
      auto back = parse_stream_format(text.substr(0, space), text.substr(space + 1, last - space - 1),
                                      text.substr(last + 1));
      REQUIRE(back);
      CHECK(back.value() == f);
    }
  }
}

TEST_CASE("stream format: a refusal says what is unsupported and what would do") {
  CHECK(refusal("s8", "44100", "2") == "unsupported format s8 (expected s16le, s24le, s32le or f32le)");
  CHECK(refusal("s16be", "44100", "2") == "unsupported format s16be (expected s16le, s24le, s32le or f32le)");
  // In lower case, as FORMAT's case changes nothing else.
  CHECK(refusal("S16BE", "44100", "2") == "unsupported format s16be (expected s16le, s24le, s32le or f32le)");
  // A word that is no plain token is not echoed (it could hold a CR).
  CHECK(refusal("s16\rle", "44100", "2") == "unsupported format (expected s16le, s24le, s32le or f32le)");
  CHECK(refusal("s16le", "7999", "2") == "unsupported rate 7999 (expected 8000 to 192000)");
  CHECK(refusal("s16le", "192001", "2") == "unsupported rate 192001 (expected 8000 to 192000)");
  CHECK(refusal("s16le", "fast", "2").starts_with("bad rate: expected a whole number"));
  CHECK(refusal("s16le", "-44100", "2").starts_with("bad rate"));
  CHECK(refusal("s16le", "44100", "3") == "unsupported channels 3 (expected 1 or 2)");
  CHECK(refusal("s16le", "44100", "0") == "unsupported channels 0 (expected 1 or 2)");
  CHECK(refusal("s16le", "44100", "stereo").starts_with("bad channels"));
}
