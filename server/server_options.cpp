#include "server/server_options.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <string_view>

#include "protocol/sdp.hpp"
#include "server/net/endpoint.hpp"

namespace mixmatrix::server {
namespace {

// A setter may end the parse (an error, --help, --version), so it returns that or nullopt to carry on.
using outcome = std::optional<parsed_options>;

struct arg {
  const std::string& flag;
  const std::string& value;
};

struct option {
  std::string_view flag;
  std::string_view placeholder;  // empty for a switch, which takes no value
  std::string_view help;         // a '\n' continues under the help column
  outcome (*set)(server_options& o, const arg& a);
};

parsed_options fail(const std::string& text) {
  return {std::nullopt, "mixmatrixd: " + text, 2};
}

bool parse_unsigned(const std::string& text, std::size_t low, std::size_t high, std::size_t& out) {
  std::size_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v < low || v > high) return false;
  out = v;
  return true;
}

template <typename T>
outcome number(const arg& a, std::size_t low, std::size_t high, T& field) {
  std::size_t n = 0;
  if (!parse_unsigned(a.value, low, high, n)) {
    return fail(a.flag + " takes a whole number from " + std::to_string(low) + " to " + std::to_string(high) +
                ", not '" + a.value + "'");
  }
  field = T(n);
  return {};
}

outcome endpoint(const arg& a, tcp::endpoint& field) {
  auto parsed = parse_endpoint(a.value);
  if (!parsed) return fail(a.flag + " takes ADDR:PORT, not '" + a.value + "'");
  field = *parsed;
  return {};
}

outcome optional_endpoint(const arg& a, std::optional<tcp::endpoint>& field) {
  if (a.value == "off") {
    field.reset();
    return {};
  }
  auto parsed = parse_endpoint(a.value);
  if (!parsed) return fail(a.flag + " takes ADDR:PORT or off, not '" + a.value + "'");
  field = *parsed;
  return {};
}

outcome text(const arg& a, std::optional<std::string>& field) {
  field = a.value;
  return {};
}

outcome on(bool& field) {
  field = true;
  return {};
}

// Negative numbers need their own parse: parse_unsigned takes only the magnitude.
outcome nice_level(const arg& a, int& field) {
  const bool negative = a.value.starts_with('-');
  std::size_t magnitude = 0;
  if (!parse_unsigned(negative ? a.value.substr(1) : a.value, 0, negative ? 20 : 19, magnitude)) {
    return fail(a.flag + " takes a whole number from -20 to 19, not '" + a.value + "'");
  }
  field = negative ? -static_cast<int>(magnitude) : static_cast<int>(magnitude);
  return {};
}

outcome password_file(const arg& a, std::optional<std::string>& field) {
  std::ifstream file(a.value);
  std::string password;
  if (!file || !std::getline(file, password)) return fail("cannot read " + a.flag + " " + a.value);
  while (!password.empty() && (password.back() == '\r' || password.back() == ' ')) password.pop_back();
  if (password.empty()) return fail(a.flag + " " + a.value + " has an empty first line");
  field = password;
  return {};
}

outcome level_name(const arg& a, log_level& field) {
  if (parse_log_level(a.value, field)) return {};
  return fail(a.flag + " takes error, warn, info or debug");
}

outcome ipv4_address(const arg& a, std::string& field) {
  error_code ec;
  asio::ip::make_address_v4(a.value, ec);
  if (ec) return fail(a.flag + " takes a numeric IPv4 address, not " + a.value);
  field = a.value;
  return {};
}

outcome reference_clock(const arg& a, std::string& field) {
  if (!protocol::valid_reference_clock(a.value)) {
    return fail(a.flag +
                " takes an RFC 7273 clock source (local, localmac=..., ptp=..., ntp=..., gps, gal, glonass, "
                "private), not " +
                a.value);
  }
  field = a.value;
  return {};
}

outcome show(const std::string& message) {
  return parsed_options{std::nullopt, message, 0};
}

const std::string& usage();
constexpr std::size_t help_column = 27;

constexpr option table[] = {
    {"--control", "ADDR:PORT", "control protocol (default 127.0.0.1:7700)",
     [](server_options& o, const arg& a) { return endpoint(a, o.control); }},
    {"--stream", "ADDR:PORT", "stream handshake port, SEND/LISTEN (default 127.0.0.1:7701)",
     [](server_options& o, const arg& a) { return endpoint(a, o.stream); }},
    {"--http", "ADDR:PORT", "web control surface and WAV streams (default 127.0.0.1:7780; off: none)",
     [](server_options& o, const arg& a) { return optional_endpoint(a, o.http); }},
    {"--rate", "HZ", "engine and wire sample rate (default 44100)",
     [](server_options& o, const arg& a) { return number(a, 8000, 192000, o.engine.rate); }},
    {"--block", "FRAMES", "engine block in frames (default 256)",
     [](server_options& o, const arg& a) { return number(a, 16, 8192, o.engine.block_frames); }},
    {"--latency", "MS", "default jitter-buffer target of a network input (default 20)",
     [](server_options& o, const arg& a) { return number(a, 1, 10000, o.engine.default_latency_ms); }},
    {"--ramp", "MS", "how long gain, mute, route and on/off changes take (default 5)",
     [](server_options& o, const arg& a) { return number(a, 0, 10000, o.engine.ramp_ms); }},
    {"--input-buffer", "MS", "capacity of a network input's buffer (default 1000)",
     [](server_options& o, const arg& a) { return number(a, 50, 60000, o.engine.input_buffer_ms); }},
    {"--listener-buffer", "MS", "how far a listener may lag before it loses blocks (default 500)",
     [](server_options& o, const arg& a) { return number(a, 20, 60000, o.engine.listener_buffer_ms); }},
    {"--load", "FILE", "run the control commands in FILE at start",
     [](server_options& o, const arg& a) { return text(a, o.load_file); }},
    {"--state", "FILE", "the scene file: restored at start, rewritten atomically after every change",
     [](server_options& o, const arg& a) { return text(a, o.state_file); }},
    {"--demo", "", "three tone inputs DJ1, DJ2, PRERECORD mixed into 'main', served on port 7710",
     [](server_options& o, const arg&) { return on(o.demo); }},
    {"--demo-port", "PORT", "the port --demo serves 'main' on (default 7710)",
     [](server_options& o, const arg& a) { return number(a, 1, 65535, o.demo_port); }},
    {"--password-file", "FILE",
     "require 'auth PASSWORD' on the control port and 'AUTH PASSWORD' on the\n"
     "stream port; the password is the file's first line",
     [](server_options& o, const arg& a) { return password_file(a, o.password); }},
    {"--insecure", "", "allow a non-loopback address without a password",
     [](server_options& o, const arg&) { return on(o.insecure); }},
    {"--max-clients", "N", "control connections (default 64)",
     [](server_options& o, const arg& a) { return number(a, 1, 100000, o.max_control_clients); }},
    {"--max-http-clients", "N", "web connections: pages, WebSockets, WAV streams (default 64)",
     [](server_options& o, const arg& a) { return number(a, 1, 100000, o.max_http_clients); }},
    {"--max-request", "BYTES", "longest HTTP request and WebSocket message (default 16384)",
     [](server_options& o, const arg& a) { return number(a, 1024, 1 << 24, o.max_request); }},
    {"--http-idle-timeout", "MS", "an idle HTTP connection is closed after this long (default 30000)",
     [](server_options& o, const arg& a) { return number(a, 100, 3600000, o.http_idle_timeout); }},
    {"--max-listeners", "N", "listeners per channel (default 256)",
     [](server_options& o, const arg& a) { return number(a, 1, 100000, o.max_listeners); }},
    {"--max-channels", "N", "inputs and mixes together (default 4096)",
     [](server_options& o, const arg& a) { return number(a, 1, 1000000, o.engine.max_channels); }},
    {"--max-line", "BYTES", "longest control line (default 1024)",
     [](server_options& o, const arg& a) { return number(a, 64, 1 << 20, o.max_line); }},
    {"--max-bad-lines", "N", "bad control lines in a row before a disconnect (default 16)",
     [](server_options& o, const arg& a) { return number(a, 1, 1000000, o.max_bad_lines); }},
    {"--handshake-timeout", "MS", "time a stream connection has to send its handshake (default 10000)",
     [](server_options& o, const arg& a) { return number(a, 10, 3600000, o.handshake_timeout); }},
    {"--listener-timeout", "MS", "a listener not reading for this long is disconnected (default 5000)",
     [](server_options& o, const arg& a) { return number(a, 10, 3600000, o.listener_timeout); }},
    {"--sap", "", "announce every RTP mix by SAP and hear others' announcements (sources)",
     [](server_options& o, const arg&) { return on(o.sap); }},
    {"--sap-address", "ADDR", "the IPv4 group SAP announces on (default 239.255.255.255)",
     [](server_options& o, const arg& a) { return ipv4_address(a, o.sap_address); }},
    {"--sap-ttl", "N", "multicast hops of SAP announcements (default 1)",
     [](server_options& o, const arg& a) { return number(a, 1, 255, o.sap_ttl); }},
    {"--ts-refclk", "CLOCK",
     "what the system clock follows, for AES67 SDP (default local; ptp=IEEE1588-2008:GMID:DOMAIN)",
     [](server_options& o, const arg& a) { return reference_clock(a, o.reference_clock); }},
    {"--rt-priority", "N", "SCHED_FIFO priority of the engine thread, 0 for none (default 20)",
     [](server_options& o, const arg& a) { return number(a, 0, 99, o.rt_priority); }},
    {"--nice", "N", "nice level of the network and disk threads, -20 to 19 (default -10)",
     [](server_options& o, const arg& a) { return nice_level(a, o.nice); }},
    {"--log-level", "LEVEL", "error, warn, info or debug (default info)",
     [](server_options& o, const arg& a) { return level_name(a, o.level); }},
    {"--help", "", "this text", [](server_options&, const arg&) { return show(usage()); }},
    {"--version", "", "the version",
     [](server_options&, const arg&) { return show("mixmatrixd " MIXMATRIX_VERSION); }},
};

const std::string& usage() {
  static const std::string help = [] {
    std::string out =
        "usage: mixmatrixd [OPTIONS]\n"
        "A networked audio mixing matrix: raw PCM streams in, mixes out, controlled over telnet.\n\n";
    for (const option& row : table) {
      std::string left = "  " + std::string(row.flag);
      if (!row.placeholder.empty()) left += " " + std::string(row.placeholder);
      left.resize(std::max(help_column, left.size() + 1), ' ');
      out += left;
      for (char c : row.help) out += c == '\n' ? "\n" + std::string(help_column, ' ') : std::string(1, c);
      out += '\n';
    }
    return out;
  }();
  return help;
}

}  // namespace

parsed_options parse_server_options(const std::vector<std::string>& args) {
  static const std::string no_value;
  server_options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    // -h is an unlisted alias of --help.
    const std::string flag = args[i] == "-h" ? "--help" : args[i];
    const option* row = std::ranges::find(table, flag, &option::flag);
    if (row == std::ranges::end(table)) {
      return fail(flag.starts_with("-") ? "unknown option " + flag + " (try --help)"
                                        : "unexpected argument '" + flag + "' (try --help)");
    }
    if (!row->placeholder.empty() && i + 1 >= args.size()) return fail(flag + " needs a value");
    if (auto stop = row->set(o, {flag, row->placeholder.empty() ? no_value : args[++i]})) return *stop;
  }
  const bool exposed = !o.control.address().is_loopback() || !o.stream.address().is_loopback() ||
                       (o.http && !o.http->address().is_loopback());
  if (exposed && !o.password && !o.insecure) {
    return {std::nullopt,
            "mixmatrixd: refusing to listen on a non-loopback address without --password-file "
            "(protected mode); add --insecure to do it anyway",
            1};
  }
  return {o, "", 0};
}

}  // namespace mixmatrix::server
