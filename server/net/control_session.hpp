#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <memory>
#include <span>
#include <string>

#include "protocol/line_reader.hpp"
#include "server/asio.hpp"
#include "server/control/client.hpp"
#include "server/control/command_core.hpp"
#include "server/control/event_bus.hpp"
#include "server/server_options.hpp"

namespace mixmatrix::server {

/// One control connection (telnet, nc, mixctl), the text front end of the command core:
/// greeting, then one reply per command line, formatted from the core's results. Each command
/// takes effect before the next line is run; a change's answer may wait for the state file while
/// later commands run, and answers go out in the order of their commands. Replies are queued with
/// one write in flight; a client that sends faster than it reads is paused (not
/// buffered without bound), and one that sends max_bad_lines bad lines in a row is disconnected.
class control_session : public event_sink, public std::enable_shared_from_this<control_session> {
 public:
  /// Takes the socket; commands run on `core`.
  control_session(tcp::socket socket, command_core& core, event_bus& events, const server_options& options);

  /// Sends the greeting and starts reading.
  void start();
  /// Closes the connection; idempotent.
  void stop();
  void on_event(const std::string& text) override;
  void on_meters(std::span<const channel_meters> readings) override;

 private:
  void do_read();
  void do_write();
  void send(const std::string& text);
  void process_lines();
  void handle(const protocol::line& line);
  void answer(const command_result& r);
  void reply(std::string text);
  void fill(std::uint64_t id, std::string text);

  tcp::socket socket_;
  command_core& core_;
  event_bus& events_;
  const server_options& options_;
  client client_;
  protocol::line_reader reader_;
  std::array<char, 4096> inbox_;
  std::string outbox_;
  std::string writing_;
  std::deque<std::optional<std::string>> replies_;  // in command order; empty until answered
  std::uint64_t first_reply_ = 0;                   // the id of replies_.front()
  asio::steady_timer delay_;
  std::size_t bad_lines_ = 0;
  bool waiting_ = false;     // a command's answer is not in yet: nothing else is read meanwhile
  bool processing_ = false;  // inside process_lines(): an answer given at once does not re-enter it
  bool reading_ = false;
  bool closing_ = false;  // after quit or too many bad lines: close once the outbox is written
  bool stopped_ = false;
};

}  // namespace mixmatrix::server
