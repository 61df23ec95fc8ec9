#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "server/server_options.hpp"
#include "tests/support/child_process.hpp"

using mixmatrix::server::log_level;
using mixmatrix::server::parse_server_options;
using mixmatrix::server::parsed_options;
using mixmatrix::server::server_options;
using namespace std::chrono_literals;

namespace {

server_options accepted(const std::vector<std::string>& args) {
  const parsed_options parsed = parse_server_options(args);
  INFO("message: ", parsed.message);
  REQUIRE(parsed.options);
  CHECK(parsed.exit_code == 0);
  CHECK(parsed.message.empty());
  return *parsed.options;
}

std::string refused(const std::vector<std::string>& args) {
  const parsed_options parsed = parse_server_options(args);
  CHECK_FALSE(parsed.options);
  CHECK(parsed.exit_code == 2);
  return parsed.message;
}

// Removed at exit so the password files do not pile up in /tmp.
struct scratch_dir {
  std::string path = mixmatrix::test::temp_dir();
  ~scratch_dir() { std::filesystem::remove_all(path); }
};

std::string file_with(const std::string& content) {
  static scratch_dir dir;
  static int files = 0;
  const std::string path = dir.path + "/file" + std::to_string(++files);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

// Written out independently of server_options.cpp: the ranges are the contract under test.
struct numeric_flag {
  std::string flag;
  std::size_t low;
  std::size_t high;
  std::size_t (*get)(const server_options&);
};

const std::vector<numeric_flag> numeric_flags{
    {"--rate", 8000, 192000, [](const server_options& o) -> std::size_t { return o.engine.rate; }},
    {"--block", 16, 8192, [](const server_options& o) -> std::size_t { return o.engine.block_frames; }},
    {"--latency", 1, 10000,
     [](const server_options& o) -> std::size_t { return o.engine.default_latency_ms; }},
    {"--ramp", 0, 10000, [](const server_options& o) -> std::size_t { return o.engine.ramp_ms; }},
    {"--input-buffer", 50, 60000,
     [](const server_options& o) -> std::size_t { return o.engine.input_buffer_ms; }},
    {"--listener-buffer", 20, 60000,
     [](const server_options& o) -> std::size_t { return o.engine.listener_buffer_ms; }},
    {"--demo-port", 1, 65535, [](const server_options& o) -> std::size_t { return o.demo_port; }},
    {"--max-clients", 1, 100000, [](const server_options& o) { return o.max_control_clients; }},
    {"--max-listeners", 1, 100000, [](const server_options& o) { return o.max_listeners; }},
    {"--max-channels", 1, 1000000, [](const server_options& o) { return o.engine.max_channels; }},
    {"--max-line", 64, 1048576, [](const server_options& o) { return o.max_line; }},
    {"--max-bad-lines", 1, 1000000, [](const server_options& o) { return o.max_bad_lines; }},
    {"--handshake-timeout", 10, 3600000,
     [](const server_options& o) { return static_cast<std::size_t>(o.handshake_timeout.count()); }},
    {"--listener-timeout", 10, 3600000,
     [](const server_options& o) { return static_cast<std::size_t>(o.listener_timeout.count()); }},
    {"--rt-priority", 0, 99, [](const server_options& o) { return static_cast<std::size_t>(o.rt_priority); }},
    {"--max-http-clients", 1, 100000, [](const server_options& o) { return o.max_http_clients; }},
    {"--max-request", 1024, 16777216, [](const server_options& o) { return o.max_request; }},
    {"--http-idle-timeout", 100, 3600000,
     [](const server_options& o) { return static_cast<std::size_t>(o.http_idle_timeout.count()); }},
    {"--sap-ttl", 1, 255, [](const server_options& o) { return static_cast<std::size_t>(o.sap_ttl); }},
};

const std::vector<std::string> other_valued_flags{
    "--control",       "--stream",    "--load", "--state",       "--nice",
    "--password-file", "--log-level", "--http", "--sap-address", "--ts-refclk"};
const std::vector<std::string> switches{"--demo", "--insecure", "--sap", "--help", "--version"};

std::string range_error(const std::string& flag, std::size_t low, std::size_t high,
                        const std::string& value) {
  return "mixmatrixd: " + flag + " takes a whole number from " + std::to_string(low) + " to " +
         std::to_string(high) + ", not '" + value + "'";
}

const std::string help_text = parse_server_options({"--help"}).message;

std::string help_line(const std::string& flag) {
  std::istringstream lines(help_text);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("  " + flag + " ")) return line;
  }
  return "";
}

}  // namespace

TEST_CASE("options: no arguments give the defaults") {
  const server_options o = accepted({});
  CHECK(o.control.address().to_string() == "127.0.0.1");
  CHECK(o.control.port() == 7700);
  CHECK(o.stream.address().to_string() == "127.0.0.1");
  CHECK(o.stream.port() == 7701);
  CHECK(o.engine.rate == 44100);
  CHECK(o.engine.block_frames == 256);
  CHECK(o.engine.default_latency_ms == 20);
  CHECK(o.engine.input_buffer_ms == 1000);
  CHECK(o.engine.listener_buffer_ms == 500);
  CHECK(o.engine.max_channels == 4096);
  CHECK(o.engine.ramp_ms == 5);
  CHECK_FALSE(o.load_file);
  CHECK_FALSE(o.state_file);
  CHECK_FALSE(o.demo);
  CHECK(o.demo_port == 7710);
  CHECK_FALSE(o.password);
  CHECK_FALSE(o.insecure);
  CHECK(o.level == log_level::info);
  CHECK(o.rt_priority == 20);
  CHECK(o.nice == -10);
  CHECK(o.max_control_clients == 64);
  CHECK(o.max_listeners == 256);
  CHECK(o.max_line == 1024);
  CHECK(o.max_bad_lines == 16);
  CHECK(o.handshake_timeout == 10000ms);
  CHECK(o.listener_timeout == 5000ms);
}

TEST_CASE("options: every number flag takes its bounds and refuses one past them") {
  for (const auto& [option, low, high, get] : numeric_flags) {
    const std::string flag = option;  // clang 14 cannot capture a structured binding
    CAPTURE(flag);
    CHECK(get(accepted({flag, std::to_string(low)})) == low);
    CHECK(get(accepted({flag, std::to_string(high)})) == high);
    const std::string below = low == 0 ? "-1" : std::to_string(low - 1);
    CHECK(refused({flag, below}) == range_error(flag, low, high, below));
    CHECK(refused({flag, std::to_string(high + 1)}) ==
          range_error(flag, low, high, std::to_string(high + 1)));
    for (const std::string junk :
         {"", "fast", "1e4", "+9000", " 9000", "9000 ", "0x100", "99999999999999999999999"}) {
      CHECK(refused({flag, junk}) == range_error(flag, low, high, junk));
    }
    CHECK(refused({flag}) == "mixmatrixd: " + flag + " needs a value");
  }
  CHECK(refused({"--rate", "7999"}) ==
        "mixmatrixd: --rate takes a whole number from 8000 to 192000, not '7999'");
  CHECK(refused({"--max-line", "1048577"}) ==
        "mixmatrixd: --max-line takes a whole number from 64 to 1048576, not '1048577'");
  CHECK(accepted({"--rate", "8000", "--rate", "48000"}).engine.rate == 48000);  // the last one wins
}

TEST_CASE("options: text flags and switches") {
  const server_options o = accepted({"--load", "scene.mix", "--state", "/var/lib/state.mix", "--demo",
                                     "--insecure", "--log-level", "warn"});
  CHECK(o.load_file == "scene.mix");
  CHECK(o.state_file == "/var/lib/state.mix");
  CHECK(o.demo);
  CHECK(o.insecure);
  CHECK(o.level == log_level::warn);
  CHECK(accepted({"--load", "--help"}).load_file == "--help");  // a value may look like a flag
  CHECK(accepted({"--log-level", "error"}).level == log_level::error);
  CHECK(accepted({"--log-level", "info"}).level == log_level::info);
  CHECK(accepted({"--log-level", "debug"}).level == log_level::debug);
  for (const std::string bad : {"loud", "", "INFO", "warning"}) {
    CHECK(refused({"--log-level", bad}) == "mixmatrixd: --log-level takes error, warn, info or debug");
  }
  for (const std::string& flag : other_valued_flags) {
    CAPTURE(flag);
    CHECK(refused({flag}) == "mixmatrixd: " + flag + " needs a value");
  }
  CHECK(refused({"--demo", "x"}) == "mixmatrixd: unexpected argument 'x' (try --help)");
}

TEST_CASE("options: --ts-refclk takes an RFC 7273 clock source, nothing that could break an SDP line") {
  CHECK(accepted({}).reference_clock == "local");
  const std::string ptp = "ptp=IEEE1588-2008:00-1D-C1-FF-FE-12-34-56:0";
  CHECK(accepted({"--ts-refclk", ptp}).reference_clock == ptp);
  CHECK(accepted({"--ts-refclk", "ntp=192.0.2.1"}).reference_clock == "ntp=192.0.2.1");
  CHECK(accepted({"--ts-refclk", "gps"}).reference_clock == "gps");
  CHECK(accepted({"--ts-refclk", "localmac=7C-E9-D3-1B-9A-AF"}).reference_clock ==
        "localmac=7C-E9-D3-1B-9A-AF");
  for (const std::string bad : {"", "ptp=", "atomic", "local ", "ptp=a b", "local\r\na=x:y"}) {
    CAPTURE(bad);
    CHECK(
        refused({"--ts-refclk", bad}).starts_with("mixmatrixd: --ts-refclk takes an RFC 7273 clock source"));
  }
}

TEST_CASE("options: endpoints take IPv4 and bracketed IPv6 and localhost") {
  const server_options v4 = accepted({"--control", "127.0.0.2:9000", "--stream", "[::1]:9001"});
  CHECK(v4.control.address().to_string() == "127.0.0.2");
  CHECK(v4.control.port() == 9000);
  CHECK(v4.stream.address().is_v6());
  CHECK(v4.stream.address().to_string() == "::1");
  CHECK(v4.stream.port() == 9001);
  const server_options local = accepted({"--stream", "localhost:9002", "--control", "localhost:0"});
  CHECK(local.stream.address().to_string() == "127.0.0.1");
  CHECK(local.stream.port() == 9002);
  CHECK(local.control.port() == 0);
  const server_options any = accepted({"--control", "0.0.0.0:7700", "--stream", "[::]:7701", "--insecure"});
  CHECK(any.control.address().to_string() == "0.0.0.0");
  CHECK(any.stream.address().to_string() == "::");
  for (const std::string flag : {"--control", "--stream"}) {
    for (const std::string bad : {"nowhere", "", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:x",
                                  "300.1.1.1:80", "example.com:80", "[::1]", ":80"}) {
      CAPTURE(bad);
      CHECK(refused({flag, bad}) == "mixmatrixd: " + flag + " takes ADDR:PORT, not '" + bad + "'");
    }
  }
}

TEST_CASE("options: --http takes ADDR:PORT or off, and counts for protected mode") {
  CHECK(accepted({}).http->port() == 7780);
  CHECK(accepted({}).http->address().to_string() == "127.0.0.1");
  CHECK(accepted({"--http", "127.0.0.1:9090"}).http->port() == 9090);
  CHECK_FALSE(accepted({"--http", "off"}).http);
  CHECK(refused({"--http", "nowhere"}) == "mixmatrixd: --http takes ADDR:PORT or off, not 'nowhere'");
  const parsed_options exposed = parse_server_options({"--http", "0.0.0.0:7780"});
  CHECK_FALSE(exposed.options);
  CHECK(exposed.exit_code == 1);
  CHECK(exposed.message.find("protected mode") != std::string::npos);
  CHECK(accepted({"--http", "0.0.0.0:7780", "--insecure"}).http->address().to_string() == "0.0.0.0");
}

TEST_CASE("options: --nice takes -20 to 19") {
  CHECK(accepted({"--nice", "-20"}).nice == -20);
  CHECK(accepted({"--nice", "19"}).nice == 19);
  CHECK(accepted({"--nice", "0"}).nice == 0);
  CHECK(accepted({"--nice", "-0"}).nice == 0);
  CHECK(accepted({"--nice", "5"}).nice == 5);
  for (const std::string bad : {"-21", "20", "-", "", "+5", "--5", "- 5", "five", "-1x"}) {
    CHECK(refused({"--nice", bad}) ==
          "mixmatrixd: --nice takes a whole number from -20 to 19, not '" + bad + "'");
  }
}

TEST_CASE("options: --password-file reads the first line") {
  CHECK(accepted({"--password-file", file_with("s3cret horse\nsecond line\n")}).password == "s3cret horse");
  CHECK(accepted({"--password-file", file_with("pw \r \r\n")}).password == "pw");  // CR and spaces trimmed
  CHECK(accepted({"--password-file", file_with("  lead")}).password == "  lead");  // no newline, leading kept
  const std::string empty_line = file_with("\nsecond\n");
  CHECK(refused({"--password-file", empty_line}) ==
        "mixmatrixd: --password-file " + empty_line + " has an empty first line");
  const std::string blank_line = file_with(" \r\n");
  CHECK(refused({"--password-file", blank_line}) ==
        "mixmatrixd: --password-file " + blank_line + " has an empty first line");
  const std::string empty_file = file_with("");
  CHECK(refused({"--password-file", empty_file}) == "mixmatrixd: cannot read --password-file " + empty_file);
  const std::string missing = file_with("") + ".missing";
  CHECK(refused({"--password-file", missing}) == "mixmatrixd: cannot read --password-file " + missing);
}

TEST_CASE("options: protected mode refuses a non-loopback address without a password") {
  const std::string message =
      "mixmatrixd: refusing to listen on a non-loopback address without --password-file (protected mode); "
      "add --insecure to do it anyway";
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--control", "0.0.0.0:7700"}, {"--stream", "[::]:7701"}, {"--stream", "192.0.2.1:7701"}}) {
    const parsed_options parsed = parse_server_options(args);
    CHECK_FALSE(parsed.options);
    CHECK(parsed.exit_code == 1);
    CHECK(parsed.message == message);
    std::vector<std::string> insecure = args;
    insecure.insert(insecure.begin(), "--insecure");
    CHECK(accepted(insecure).insecure);
    std::vector<std::string> with_password = args;
    with_password.insert(with_password.end(), {"--password-file", file_with("pw\n")});
    CHECK(accepted(with_password).password == "pw");
  }
  accepted({"--control", "[::1]:7700", "--stream", "localhost:7701"});
  // An argument error is reported before the protected-mode check.
  CHECK(refused({"--control", "0.0.0.0:7700", "stray"}) ==
        "mixmatrixd: unexpected argument 'stray' (try --help)");
}

TEST_CASE("options: --help and -h list every flag") {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"--help"}, {"-h"}, {"--rate", "8000", "-h"}}) {
    const parsed_options parsed = parse_server_options(args);
    CHECK_FALSE(parsed.options);
    CHECK(parsed.exit_code == 0);
    CHECK(parsed.message == help_text);
  }
  CHECK(help_text.starts_with(
      "usage: mixmatrixd [OPTIONS]\n"
      "A networked audio mixing matrix: raw PCM streams in, mixes out, controlled over telnet.\n\n"));
  CHECK(help_text.ends_with("  --version                the version\n"));
  CHECK(help_text.find("  --control ADDR:PORT      control protocol (default 127.0.0.1:7700)\n") !=
        std::string::npos);
  CHECK(help_text.find(
            "  --password-file FILE     require 'auth PASSWORD' on the control port and 'AUTH PASSWORD' "
            "on the\n                           stream port; the password is the file's first line\n") !=
        std::string::npos);

  std::set<std::string> expected(other_valued_flags.begin(), other_valued_flags.end());
  expected.insert(switches.begin(), switches.end());
  for (const auto& n : numeric_flags) expected.insert(n.flag);
  std::set<std::string> listed;
  std::istringstream lines(help_text);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("  --")) listed.insert(line.substr(2, line.find(' ', 2) - 2));
  }
  CHECK(listed == expected);

  // The defaults --help prints are the ones parsing gives.
  const server_options defaults = accepted({});
  for (const auto& [option, low, high, get] : numeric_flags) {
    const std::string flag = option;  // clang 14 cannot capture a structured binding
    CAPTURE(flag);
    CHECK(help_line(flag).ends_with("(default " + std::to_string(get(defaults)) + ")"));
  }
  CHECK(help_line("--nice").ends_with("(default -10)"));
  CHECK(help_line("--log-level").ends_with("(default info)"));
  CHECK(help_line("--stream").ends_with("(default 127.0.0.1:7701)"));
}

TEST_CASE("options: --version") {
  const parsed_options parsed = parse_server_options({"--version"});
  CHECK_FALSE(parsed.options);
  CHECK(parsed.exit_code == 0);
  CHECK(parsed.message == "mixmatrixd " MIXMATRIX_VERSION);
}

TEST_CASE("options: unknown options and stray arguments") {
  CHECK(refused({"--bogus"}) == "mixmatrixd: unknown option --bogus (try --help)");
  CHECK(refused({"-x"}) == "mixmatrixd: unknown option -x (try --help)");
  CHECK(refused({"--Help"}) == "mixmatrixd: unknown option --Help (try --help)");
  CHECK(refused({"stray"}) == "mixmatrixd: unexpected argument 'stray' (try --help)");
  CHECK(refused({""}) == "mixmatrixd: unexpected argument '' (try --help)");
  CHECK(refused({"--bogus", "--help"}) ==
        "mixmatrixd: unknown option --bogus (try --help)");  // the first wins
  CHECK(parse_server_options({"--help", "--bogus"}).exit_code == 0);
  CHECK(parse_server_options({"--version", "--help"}).message == "mixmatrixd " MIXMATRIX_VERSION);
}
