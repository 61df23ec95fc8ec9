#include "server/server_options.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <stdexcept>

#include "server/net/endpoint.hpp"

namespace mixmatrix::server {
namespace {

constexpr const char* usage = R"(usage: mixmatrixd [OPTIONS]
A networked audio mixing matrix: raw PCM streams in, mixes out, controlled over telnet.

  --control ADDR:PORT      control protocol (default 127.0.0.1:7700)
  --stream ADDR:PORT       stream handshake port, SEND/LISTEN (default 127.0.0.1:7701)
  --rate HZ                engine and wire sample rate (default 44100)
  --block FRAMES           engine block in frames (default 256)
  --latency MS             default jitter-buffer target of a network input (default 20)
  --ramp MS                how long gain, mute, route and on/off changes take (default 5)
  --input-buffer MS        capacity of a network input's buffer (default 1000)
  --listener-buffer MS     how far a listener may lag before it loses blocks (default 500)
  --load FILE              run the control commands in FILE at start
  --state FILE             the scene file: restored at start, rewritten atomically after every change
  --demo                   three tone inputs DJ1, DJ2, PRERECORD mixed into 'main', served on port 7710
  --demo-port PORT         the port --demo serves 'main' on (default 7710)
  --password-file FILE     require 'auth PASSWORD' on the control port and 'AUTH PASSWORD' on the
                           stream port; the password is the file's first line
  --insecure               allow a non-loopback address without a password
  --max-clients N          control connections (default 64)
  --max-listeners N        listeners per channel (default 256)
  --max-channels N         inputs and mixes together (default 4096)
  --max-line BYTES         longest control line (default 1024)
  --max-bad-lines N        bad control lines in a row before a disconnect (default 16)
  --handshake-timeout MS   time a stream connection has to send its handshake (default 10000)
  --listener-timeout MS    a listener not reading for this long is disconnected (default 5000)
  --rt-priority N          SCHED_FIFO priority of the engine thread, 0 for none (default 20)
  --nice N                 nice level of the network and disk threads, -20 to 19 (default -10)
  --log-level LEVEL        error, warn, info or debug (default info)
  --help                   this text
  --version                the version
)";

parsed_options fail(const std::string& text) { return {std::nullopt, "mixmatrixd: " + text, 2}; }

bool parse_unsigned(const std::string& text, std::size_t low, std::size_t high, std::size_t& out) {
  std::size_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v < low || v > high) return false;
  out = v;
  return true;
}

}  // namespace

parsed_options parse_server_options(const std::vector<std::string>& args) {
  server_options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "--help" || flag == "-h") return {std::nullopt, usage, 0};
    if (flag == "--version") return {std::nullopt, "mixmatrixd " MIXMATRIX_VERSION, 0};
    if (flag == "--demo" || flag == "--insecure") {
      (flag == "--demo" ? o.demo : o.insecure) = true;
      continue;
    }
    static const std::vector<std::string> valued{
        "--control",     "--stream",        "--rate",         "--block",          "--latency",
        "--input-buffer", "--listener-buffer", "--load",       "--max-clients",    "--max-listeners",
        "--max-channels", "--max-line",      "--max-bad-lines", "--handshake-timeout", "--listener-timeout",
        "--log-level",   "--rt-priority",   "--nice",        "--ramp",        "--state",
        "--demo-port",   "--password-file"};
    if (std::find(valued.begin(), valued.end(), flag) == valued.end()) {
      return fail(flag.starts_with("-") ? "unknown option " + flag + " (try --help)"
                                        : "unexpected argument '" + flag + "' (try --help)");
    }
    if (i + 1 >= args.size()) return fail(flag + " needs a value");
    const std::string& value = args[++i];
    std::size_t n = 0;
    auto number = [&](std::size_t low, std::size_t high) {
      if (!parse_unsigned(value, low, high, n)) {
        throw std::invalid_argument(flag + " takes a whole number from " + std::to_string(low) + " to " +
                                    std::to_string(high) + ", not '" + value + "'");
      }
      return n;
    };
    try {
      if (flag == "--control" || flag == "--stream") {
        auto endpoint = parse_endpoint(value);
        if (!endpoint) return fail(flag + " takes ADDR:PORT, not '" + value + "'");
        (flag == "--control" ? o.control : o.stream) = *endpoint;
      } else if (flag == "--rate") {
        o.engine.rate = static_cast<std::uint32_t>(number(8000, 192000));
      } else if (flag == "--block") {
        o.engine.block_frames = static_cast<std::uint32_t>(number(16, 8192));
      } else if (flag == "--latency") {
        o.engine.default_latency_ms = static_cast<std::uint32_t>(number(1, 10000));
      } else if (flag == "--input-buffer") {
        o.engine.input_buffer_ms = static_cast<std::uint32_t>(number(50, 60000));
      } else if (flag == "--listener-buffer") {
        o.engine.listener_buffer_ms = static_cast<std::uint32_t>(number(20, 60000));
      } else if (flag == "--load") {
        o.load_file = value;
      } else if (flag == "--demo-port") {
        o.demo_port = static_cast<std::uint16_t>(number(1, 65535));
      } else if (flag == "--password-file") {
        std::ifstream file(value);
        std::string password;
        if (!file || !std::getline(file, password)) return fail("cannot read --password-file " + value);
        while (!password.empty() && (password.back() == '\r' || password.back() == ' ')) password.pop_back();
        if (password.empty()) return fail("--password-file " + value + " has an empty first line");
        o.password = password;
      } else if (flag == "--state") {
        o.state_file = value;
      } else if (flag == "--max-clients") {
        o.max_control_clients = number(1, 100000);
      } else if (flag == "--max-listeners") {
        o.max_listeners = number(1, 100000);
      } else if (flag == "--max-channels") {
        o.engine.max_channels = number(1, 1000000);
      } else if (flag == "--max-line") {
        o.max_line = number(64, 1 << 20);
      } else if (flag == "--max-bad-lines") {
        o.max_bad_lines = number(1, 1000000);
      } else if (flag == "--handshake-timeout") {
        o.handshake_timeout = std::chrono::milliseconds(number(10, 3600000));
      } else if (flag == "--listener-timeout") {
        o.listener_timeout = std::chrono::milliseconds(number(10, 3600000));
      } else if (flag == "--ramp") {
        o.engine.ramp_ms = static_cast<std::uint32_t>(number(0, 10000));
      } else if (flag == "--rt-priority") {
        o.rt_priority = static_cast<int>(number(0, 99));
      } else if (flag == "--nice") {
        const bool negative = value.starts_with('-');
        std::size_t magnitude = 0;
        if (!parse_unsigned(negative ? value.substr(1) : value, 0, negative ? 20 : 19, magnitude)) {
          return fail("--nice takes a whole number from -20 to 19, not '" + value + "'");
        }
        o.nice = negative ? -static_cast<int>(magnitude) : static_cast<int>(magnitude);
      } else if (flag == "--log-level") {
        if (!parse_log_level(value, o.level)) return fail("--log-level takes error, warn, info or debug");
      }
    } catch (const std::invalid_argument& e) {
      return fail(e.what());
    }
  }
  const bool exposed = !o.control.address().is_loopback() || !o.stream.address().is_loopback();
  if (exposed && !o.password && !o.insecure) {
    return {std::nullopt,
            "mixmatrixd: refusing to listen on a non-loopback address without --password-file "
            "(protected mode); add --insecure to do it anyway",
            1};
  }
  return {o, "", 0};
}

}  // namespace mixmatrix::server
