// Fuzz target: the control port's path from bytes to a command. The input is a byte stream as a
// control connection delivers it; it is framed by protocol::line_reader (whole, and again cut into
// pieces at offsets derived from the input, which must give the same lines), each line is split
// into words and parsed, parsed commands get their traits, and failures their ERR line.
//
// Beyond "no crash, no sanitizer report", it checks what the headers promise:
// - framing: lines have no LF, NUL, telnet bytes or trailing CR; a line over the limit is reported
//   once, without text; what is buffered stays bounded; cutting the stream anywhere changes nothing;
//   the lines equal those of a plain model of the rules (telnet stripped, NULs dropped, split at
//   LF, trailing CRs dropped, then longer than the limit = too long); take_rest() after a line
//   hands back exactly the bytes after that line's LF;
// - words: quoting each word and joining them splits back to the same words;
// - commands: failures are 400s with a one-line ERR; a parsed command's names are valid, its gains
//   at most +24 dB (or -inf), its ports, numbers and formats in range (a format only with a port);
//   the command word is case-insensitive.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "fuzz_support.hpp"
#include "protocol/command_parser.hpp"
#include "protocol/command_table.hpp"
#include "protocol/line_reader.hpp"
#include "protocol/reply.hpp"
#include "protocol/stream_format.hpp"
#include "protocol/values.hpp"
#include "protocol/words.hpp"

namespace {

using namespace mixmatrix;
using fuzz::check;
namespace cmd = protocol::cmd;

// The control port's default and its smallest --max-line, and two tiny ones for the framer's edges.
constexpr std::size_t limits[] = {1024, 64, 8, 1};

bool same(const std::vector<protocol::line>& a, const std::vector<protocol::line>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].too_long != b[i].too_long || a[i].text != b[i].text) return false;
  }
  return true;
}

// Every line the reader frames from what it holds now.
void drain(protocol::line_reader& reader, std::vector<protocol::line>& out) {
  while (auto l = reader.next()) out.push_back(std::move(*l));
}

void check_line(const protocol::line& l, std::size_t max) {
  if (l.too_long) return check(l.text.empty(), "a too-long line carries text");
  check(l.text.size() <= max, "a line over the limit is not reported too long", l.text);
  check(l.text.find('\n') == std::string::npos, "LF inside a line", l.text);
  check(l.text.find('\0') == std::string::npos, "NUL inside a line", l.text);
  check(l.text.find('\xff') == std::string::npos, "telnet IAC inside a line", l.text);
  check(l.text.empty() || l.text.back() != '\r', "CR left at the end of a line", l.text);
}

// The framing rules, written plainly over the whole input: the complete lines, and the data bytes
// of the unfinished last line.
struct model_result {
  std::vector<protocol::line> lines;
  std::string unfinished;
};

model_result model_frames(std::string_view bytes, std::size_t max) {
  // Telnet (RFC 854): IAC SB ... IAC SE, IAC WILL|WONT|DO|DONT OPTION, IAC CMD; all dropped.
  std::string data;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    if (b != 255) {
      if (b != 0) data.push_back(bytes[i]);
      continue;
    }
    if (++i >= bytes.size()) break;
    const auto command = static_cast<unsigned char>(bytes[i]);
    if (command == 250) {  // SB: skip to IAC SE
      while (++i < bytes.size()) {
        if (static_cast<unsigned char>(bytes[i]) != 255) continue;
        if (++i >= bytes.size()) break;
        if (static_cast<unsigned char>(bytes[i]) == 240) break;
      }
    } else if (command >= 251 && command <= 254) {
      ++i;  // the option byte
    }
  }
  model_result r;
  std::size_t start = 0;
  for (std::size_t lf = data.find('\n'); lf != std::string::npos; start = lf + 1, lf = data.find('\n', start)) {
    std::string text = data.substr(start, lf - start);
    while (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.size() > max) {
      r.lines.push_back({{}, true});
    } else {
      r.lines.push_back({std::move(text), false});
    }
  }
  r.unfinished = data.substr(start);
  return r;
}

std::string describe(const std::vector<protocol::line>& lines) {
  std::string s;
  for (const auto& l : lines) s += (l.too_long ? std::string("<too long>") : "[" + l.text + "]") + " ";
  return s;
}

void check_framing(std::string_view bytes, std::size_t max, fuzz::choices& pick,
                   const std::vector<protocol::line>& whole) {
  for (const auto& l : whole) check_line(l, max);

  // Cut anywhere: the same lines, and never more buffered than one line's worth.
  protocol::line_reader cut_reader(max);
  std::vector<protocol::line> cut_lines;
  for (const std::string_view piece : fuzz::cut(bytes, pick)) {
    cut_reader.append(piece);
    drain(cut_reader, cut_lines);
    check(cut_reader.buffered() <= max + 1, "the reader holds more than a line after framing all it has");
  }
  check(same(whole, cut_lines), "lines differ when the stream is cut", describe(whole) + "| " + describe(cut_lines));

  // The rules as documented. The reader reports a line too long as soon as it knows, so an
  // unfinished last line may have been reported already; nothing else may differ.
  const model_result model = model_frames(bytes, max);
  std::vector<protocol::line> expected = model.lines;
  if (whole.size() == expected.size() + 1 && whole.back().too_long) {
    check(model.unfinished.size() > max, "an unfinished line within the limit was reported too long");
    expected.push_back(whole.back());
  }
  check(same(whole, expected), "lines differ from the framing rules",
        "reader: " + describe(whole) + "| rules: " + describe(expected));
}

// take_rest() right after some line: the bytes after that line's LF, exactly (a stream
// handshake's PCM). The line chosen is one with an LF, so it ends exactly where the rest begins.
void check_take_rest(std::string_view bytes, std::size_t max, fuzz::choices& pick) {
  protocol::line_reader reader(max);
  const auto pieces = fuzz::cut(bytes, pick);
  const std::size_t stop_at = pick.below(4);
  std::vector<protocol::line> seen;
  std::size_t fed = 0;
  std::size_t complete = 0;
  for (const std::string_view piece : pieces) {
    reader.append(piece);
    fed += piece.size();
    while (auto l = reader.next()) {
      seen.push_back(*l);
      if (l->too_long || complete++ < stop_at) continue;
      const std::string rest = reader.take_rest();
      check(rest.size() <= fed, "take_rest returned more than was appended");
      const std::string_view before = bytes.substr(0, fed - rest.size());
      check(bytes.substr(fed - rest.size(), rest.size()) == rest, "take_rest is not the bytes last appended", rest);
      check(!before.empty() && before.back() == '\n', "take_rest after a line does not start after its LF", rest);
      check(reader.buffered() == 0, "bytes left in the reader after a line and take_rest");
      // The bytes before the rest frame to the lines seen so far, and leave nothing over.
      protocol::line_reader again(max);
      again.append(before);
      std::vector<protocol::line> framed;
      drain(again, framed);
      check(same(framed, seen), "the bytes before take_rest frame to other lines");
      check(again.buffered() == 0, "the bytes before take_rest leave a partial line");
      return;
    }
  }
}

// quote_word and split_words agree: any words, quoted and joined, split back to themselves.
void check_quoting(const std::vector<std::string>& words) {
  std::string joined;
  for (const auto& w : words) joined += (joined.empty() ? "" : " ") + protocol::quote_word(w);
  auto again = protocol::split_words(joined);
  check(static_cast<bool>(again), "quoted words do not split", joined);
  check(again.value() == words, "quoted words split to other words", joined);
}

void check_error_line(const protocol::failure& f) {
  check(f.code == protocol::code::bad_request, "a syntax failure that is not a 400", f.text);
  check(!f.text.empty(), "a failure without text");
  const std::string line = protocol::err_line(f);
  check(line.rfind("ERR 400 ", 0) == 0, "ERR line does not start with its code", line);
  check(line.find('\n') == line.size() - 1, "ERR line is not one line", line);
  check(line.find('\r') == std::string::npos, "CR in an ERR line", line);
}

void check_name(const std::string& name) { check(protocol::is_valid_name(name), "a parsed command holds a bad name", name); }
void check_gain(double db) {
  check(!std::isnan(db) && db <= protocol::max_gain_db, "a parsed gain is NaN or above +24 dB");
  check(std::isfinite(db) || db < 0, "a parsed gain of +inf");
}

// A raw port's format comes only with the port, within the stream format's ranges.
void check_port_format(const std::optional<std::uint16_t>& port, const std::optional<protocol::stream_format>& format) {
  if (!format) return;
  check(port.has_value(), "a format parsed without a port");
  check(format->rate >= protocol::min_stream_rate && format->rate <= protocol::max_stream_rate, "a rate out of range");
  check(format->channels == 1 || format->channels == 2, "a channel count other than 1 or 2");
}

// What a parsed command may hold (see command_parser.hpp and values.hpp).
void check_command(const protocol::command& c) {
  std::visit(
      [](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, cmd::show> || std::is_same_v<T, cmd::remove_input> ||
                      std::is_same_v<T, cmd::remove_mix> || std::is_same_v<T, cmd::switch_mix> ||
                      std::is_same_v<T, cmd::stop>) {
          check_name(x.name);
        } else if constexpr (std::is_same_v<T, cmd::add_network_input>) {
          check_name(x.name);
          check(!x.port || *x.port >= 1, "port 0 parsed");
          check(!x.latency_ms || (*x.latency_ms >= 1 && *x.latency_ms <= 10000), "latency out of range");
          check_port_format(x.port, x.format);
        } else if constexpr (std::is_same_v<T, cmd::add_tone_input>) {
          check_name(x.name);
          check(x.hz >= 1.0 && x.hz <= 96000.0, "tone frequency out of range");
          check(x.dbfs >= -200.0 && x.dbfs <= 0.0, "tone level out of range");
        } else if constexpr (std::is_same_v<T, cmd::add_file_input>) {
          check_name(x.name);
          check(!x.path.empty(), "file input without a path");
        } else if constexpr (std::is_same_v<T, cmd::add_mix>) {
          check_name(x.name);
          check(!x.port || *x.port >= 1, "port 0 parsed");
          check_port_format(x.port, x.format);
        } else if constexpr (std::is_same_v<T, cmd::route>) {
          check_name(x.mix);
          check_name(x.source);
          check_gain(x.gain_db);
        } else if constexpr (std::is_same_v<T, cmd::unroute> || std::is_same_v<T, cmd::mute>) {
          check_name(x.mix);
          check_name(x.source);
        } else if constexpr (std::is_same_v<T, cmd::gain>) {
          check_name(x.mix);
          if (x.source) check_name(*x.source);
          check_gain(x.db);
        } else if constexpr (std::is_same_v<T, cmd::kamaelia_switch> || std::is_same_v<T, cmd::kamaelia_query>) {
          check_name(x.mix);
          if (x.source) check_name(*x.source);
        } else if constexpr (std::is_same_v<T, cmd::meters>) {
          for (const auto& n : x.names) check_name(n);
        } else if constexpr (std::is_same_v<T, cmd::record>) {
          check_name(x.name);
          check(!x.path.empty(), "record without a path");
        } else if constexpr (std::is_same_v<T, cmd::play>) {
          check_name(x.name);
        } else if constexpr (std::is_same_v<T, cmd::load>) {
          check(!x.path.empty(), "load without a path");
        }
      },
      c);
  const protocol::command_traits& traits = protocol::traits_of(c);
  check(!traits.in_salvo || traits.changes_scene, "a salvo command that does not change the scene");
  check(!traits.before_auth || !traits.changes_scene, "a change allowed before auth");
}

std::string upper(std::string s) {
  for (char& ch : s) {
    if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
  }
  return s;
}

void check_command_line(const std::string& text) {
  auto words = protocol::split_words(text);
  if (!words) return check_error_line(words.error());
  check_quoting(words.value());
  auto parsed = protocol::parse_command(words.value());
  if (!parsed) {
    check_error_line(parsed.error());
  } else {
    check_command(parsed.value());
  }
  if (words.value().empty()) return;
  std::vector<std::string> shouted = words.value();
  shouted[0] = upper(shouted[0]);
  auto again = protocol::parse_command(shouted);
  check(static_cast<bool>(again) == static_cast<bool>(parsed), "the command word's case changes whether it parses",
        text);
  if (again) check(again.value().index() == parsed.value().index(), "the command word's case changes the command", text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes = fuzz::as_text(data, size);
  fuzz::choices pick(bytes);
  const std::size_t max = limits[pick.below(std::size(limits))];

  protocol::line_reader reader(max);
  reader.append(bytes);
  std::vector<protocol::line> whole;
  drain(reader, whole);
  check(reader.buffered() <= max + 1, "the reader holds more than a line after framing all it has");

  check_framing(bytes, max, pick, whole);
  check_take_rest(bytes, max, pick);
  for (const auto& l : whole) {
    if (!l.too_long) check_command_line(l.text);
  }
  return 0;
}
