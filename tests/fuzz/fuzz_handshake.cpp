// Fuzz target: the first bytes of a stream-port connection. As stream_session does, the bytes (cut
// into pieces at offsets derived from the input) are framed by protocol::line_reader at the
// server's line limit; each line is a handshake for protocol::parse_handshake: AUTH lines may
// come first, a SEND or LISTEN ends the handshake and what follows its LF is raw PCM, taken back
// with take_rest(); a failure or a line too long ends the connection with one ERR line.
//
// Checks, beyond sanitizers: a SEND or LISTEN names a valid channel, and a format it states has
// a rate in 8000..192000, 1 or 2 channels, and round-trips through format_stream_format; failures
// are 400s with a one-line ERR; the result depends only on the words (quoting and rejoining them,
// or changing the case of the keywords and FORMAT, changes nothing); AUTH parses to the same
// password as the control port's `auth`; the PCM after the handshake is handed back byte for byte.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fuzz_support.hpp"
#include "protocol/command_parser.hpp"
#include "protocol/handshake.hpp"
#include "protocol/line_reader.hpp"
#include "protocol/reply.hpp"
#include "protocol/stream_format.hpp"
#include "protocol/values.hpp"
#include "protocol/words.hpp"

namespace {

using namespace mixmatrix;
using fuzz::check;

// The stream port's default --max-line and its smallest.
constexpr std::size_t limits[] = {1024, 64};

std::string flip_case(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    } else if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return s;
}

std::string join_quoted(const std::vector<std::string>& words) {
  std::string line;
  for (const auto& w : words) line += (line.empty() ? "" : " ") + protocol::quote_word(w);
  return line;
}

bool same(const protocol::result<protocol::handshake>& a, const protocol::result<protocol::handshake>& b) {
  if (static_cast<bool>(a) != static_cast<bool>(b)) return false;
  if (!a) return a.error().code == b.error().code && a.error().text == b.error().text;
  if (a.value().index() != b.value().index()) return false;
  if (const auto* s = std::get_if<protocol::send_request>(&a.value())) {
    const auto& t = std::get<protocol::send_request>(b.value());
    return s->name == t.name && s->format == t.format;
  }
  if (const auto* l = std::get_if<protocol::listen_request>(&a.value())) {
    const auto& t = std::get<protocol::listen_request>(b.value());
    return l->name == t.name && l->format == t.format;
  }
  return std::get<protocol::auth_request>(a.value()).password == std::get<protocol::auth_request>(b.value()).password;
}

void check_refusal(const protocol::failure& f) {
  check(f.code == protocol::code::bad_request, "a handshake failure that is not a 400", f.text);
  const std::string line = protocol::err_line(f);
  check(line.rfind("ERR 400 ", 0) == 0 && line.size() > 8, "a malformed ERR line", line);
  check(line.find('\n') == line.size() - 1 && line.find('\r') == std::string::npos, "ERR line is not one line", line);
}

// A SEND's or LISTEN's format: stated by words 3 to 5 or not at all, in range, its FORMAT word
// the one stated (in any case), and written by format_stream_format as words that read back the same.
void check_format(const std::optional<protocol::stream_format>& format, const std::vector<std::string>& w,
                  const std::string& text) {
  check(w.size() == (format ? 5u : 2u), "a handshake whose format and length disagree", text);
  if (!format) return;
  check(format->rate >= protocol::min_stream_rate && format->rate <= protocol::max_stream_rate, "a rate out of range",
        text);
  check(format->channels == 1 || format->channels == 2, "a channel count other than 1 or 2", text);
  check(protocol::equals_ignoring_case(w[2], protocol::sample_format_name(format->sample)), "another FORMAT parsed",
        text);
  auto written = protocol::split_words(protocol::format_stream_format(*format));
  check(static_cast<bool>(written) && written.value().size() == 3, "a format written as other than three words", text);
  const auto& v = written.value();
  auto again = protocol::parse_stream_format(v[0], v[1], v[2]);
  check(static_cast<bool>(again) && again.value() == *format, "a format written back reads otherwise", text);
}

// One handshake line: what it parses to, checked against the words it is made of.
protocol::result<protocol::handshake> parse_checked(const std::string& text) {
  auto parsed = protocol::parse_handshake(text);
  auto words = protocol::split_words(text);
  check(static_cast<bool>(words) || !parsed, "a handshake parsed from a line whose words do not split", text);
  if (!parsed) check_refusal(parsed.error());
  if (!words) return parsed;
  auto w = words.value();

  check(same(parsed, protocol::parse_handshake(join_quoted(w))), "the same words, quoted, parse otherwise", text);
  if (!w.empty()) {
    auto flipped = w;
    flipped[0] = flip_case(flipped[0]);
    if (flipped.size() == 5) flipped[2] = flip_case(flipped[2]);  // SEND|LISTEN NAME FORMAT RATE CHANNELS
    check(same(parsed, protocol::parse_handshake(join_quoted(flipped))), "a keyword's case changes the handshake",
          text);
  }

  if (parsed) {
    const auto& h = parsed.value();
    if (const auto* send = std::get_if<protocol::send_request>(&h)) {
      check(protocol::is_valid_name(send->name), "SEND of a bad name", send->name);
      check(protocol::equals_ignoring_case(w[0], "send"), "a SEND without the word SEND", text);
      check_format(send->format, w, text);
    } else if (const auto* listen = std::get_if<protocol::listen_request>(&h)) {
      check(protocol::is_valid_name(listen->name), "LISTEN of a bad name", listen->name);
      check(protocol::equals_ignoring_case(w[0], "listen"), "a LISTEN without the word LISTEN", text);
      check_format(listen->format, w, text);
    }
  }
  // AUTH on the stream port and auth on the control port read the same password.
  if (!w.empty() && protocol::equals_ignoring_case(w[0], "auth")) {
    auto control = protocol::parse_command(w);
    check(static_cast<bool>(control) == static_cast<bool>(parsed), "AUTH and auth disagree on a line", text);
    if (parsed) {
      check(std::get<protocol::auth_request>(parsed.value()).password ==
                std::get<protocol::cmd::auth>(control.value()).password,
            "AUTH and auth read other passwords", text);
    }
  }
  return parsed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = fuzz::as_text(data, size);
  fuzz::choices pick(bytes);
  protocol::line_reader reader(limits[pick.below(std::size(limits))]);
  std::size_t fed = 0;
  for (const std::string_view piece : fuzz::cut(bytes, pick)) {
    reader.append(piece);
    fed += piece.size();
    while (auto line = reader.next()) {
      if (line->too_long) return 0;  // ERR 400 line too long, closed
      auto handshake = parse_checked(line->text);
      if (!handshake) return 0;  // refused, closed
      if (std::holds_alternative<protocol::auth_request>(handshake.value())) continue;
      // SEND or LISTEN: what follows the line is PCM, exactly as it came.
      const std::string pcm = reader.take_rest();
      check(pcm.size() <= fed, "take_rest returned more than was appended");
      const std::size_t at = fed - pcm.size();
      check(bytes.substr(at, pcm.size()) == pcm, "the PCM after the handshake is not the bytes sent", pcm);
      check(at > 0 && bytes[at - 1] == '\n', "the PCM after the handshake does not start after its LF", pcm);
      return 0;
    }
  }
  return 0;
}
