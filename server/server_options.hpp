#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "mixer/engine_config.hpp"
#include "server/asio.hpp"
#include "server/log.hpp"

namespace mixmatrix::server {

/// Everything mixmatrixd is told on its command line.
struct server_options {
  tcp::endpoint control{asio::ip::make_address_v4("127.0.0.1"), 7700};
  tcp::endpoint stream{asio::ip::make_address_v4("127.0.0.1"), 7701};
  std::optional<tcp::endpoint> http{tcp::endpoint{asio::ip::make_address_v4("127.0.0.1"), 7780}};  ///< none: off
  mixer::engine_config engine;
  std::optional<std::string> load_file;
  std::optional<std::string> state_file;
  bool demo = false;
  std::uint16_t demo_port = 7710;
  std::optional<std::string> password;  ///< read from --password-file
  bool insecure = false;
  log_level level = log_level::info;
  int rt_priority = 20;
  int nice = -10;
  std::size_t max_control_clients = 64;
  std::size_t max_listeners = 256;
  std::size_t max_line = 1024;
  std::size_t max_bad_lines = 16;
  std::size_t max_http_clients = 64;
  std::size_t max_request = 16384;  ///< bytes of an HTTP request, and of a WebSocket message
  std::chrono::milliseconds http_idle_timeout{30000};
  std::chrono::milliseconds handshake_timeout{10000};
  std::chrono::milliseconds listener_timeout{5000};
  bool sap = false;                             ///< announce and listen (RFC 2974)
  std::string sap_address = "239.255.255.255";  ///< where announcements go
  std::uint32_t sap_ttl = 1;                    ///< their multicast hops
  std::string reference_clock = "local";        ///< what the system clock follows, as a=ts-refclk names it
};

/// The outcome of reading the command line: options to run with, or text to print and an exit code.
struct parsed_options {
  std::optional<server_options> options;
  std::string message;  ///< help, version or the one-line error
  int exit_code = 0;
};

/// Parses mixmatrixd's arguments (argv without the program name).
parsed_options parse_server_options(const std::vector<std::string>& args);

}  // namespace mixmatrix::server
