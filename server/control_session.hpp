#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "protocol/line_reader.hpp"
#include "server/asio.hpp"
#include "server/command_executor.hpp"
#include "server/event_bus.hpp"
#include "server/server_options.hpp"

namespace mixmatrix::server {

/// One control connection (telnet, nc, mixctl): greeting, then one reply per command line.
/// Replies are queued with one write in flight; a client that sends faster than it reads is
/// paused (not buffered without bound), and one that sends max_bad_lines bad lines in a row
/// is disconnected.
class control_session : public event_sink, public std::enable_shared_from_this<control_session> {
 public:
  /// Takes the socket; commands run on `executor`; events come from `events` after `watch`.
  control_session(tcp::socket socket, command_executor& executor, event_bus& events, const server_options& options);

  /// Sends the greeting and starts reading.
  void start();
  /// Closes the connection; idempotent.
  void stop();
  /// Sends text (replies, events) to this client.
  void send(const std::string& text);
  void on_event(const std::string& text) override;
  bool wants_meters() const override { return wants_meters_; }

 private:
  void do_read();
  void do_write();
  void handle(const protocol::line& line);
  void run(const std::string& line, const protocol::command& command);
  void process_lines();
  void authenticate(const std::string& password);

  tcp::socket socket_;
  command_executor& executor_;
  event_bus& events_;
  const server_options& options_;
  std::string peer_;
  protocol::line_reader reader_;
  std::array<char, 4096> inbox_;
  std::string outbox_;
  std::string writing_;
  std::optional<std::vector<command_executor::salvo_change>> salvo_;  // after begin, until commit or abort
  asio::steady_timer auth_delay_;
  bool authenticated_;
  bool delayed_ = false;  // a failed auth or a device command is answered later; nothing else is read meanwhile
  std::size_t bad_lines_ = 0;
  bool reading_ = false;
  bool wants_meters_ = false;
  bool closing_ = false;  // after quit or too many bad lines: close once the outbox is written
  bool stopped_ = false;
};

}  // namespace mixmatrix::server
