#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"
#include "tests/support/tcp_client.hpp"

namespace mixmatrix::test {

/// A control reply: its data lines and its status line (`OK ...` or `ERR ...`).
struct reply {
  std::vector<std::string> data;
  std::string status;
  /// True for an `OK` status.
  bool ok() const { return status.starts_with("OK"); }
};

/// A control connection that has read its greeting.
class control_client {
 public:
  /// Connects to the control port and reads the greeting.
  explicit control_client(std::uint16_t port);
  /// Sends one command line and reads its reply (events in between are skipped).
  reply command(const std::string& line);
  /// The greeting line.
  const std::string& greeting() const { return greeting_; }
  /// The connection itself.
  tcp_client& socket() { return socket_; }

 private:
  tcp_client socket_;
  std::string greeting_;
};

/// The number after ` key=` in a `show` line (fails the test if there is none).
double show_field(const std::string& line, const std::string& key);

/// The real mixmatrixd on free loopback ports, started for one test and stopped with SIGTERM;
/// a non-zero exit (a crash, a sanitizer report, a leak) fails the test.
class test_server {
 public:
  /// Starts mixmatrixd with `extra_args` and waits until its control port answers.
  explicit test_server(const std::vector<std::string>& extra_args = {});
  ~test_server();

  /// Runs one command on a shared control connection.
  reply command(const std::string& line);
  /// Sends `signal` (SIGTERM by default), then the exit status (-1 if it did not exit within 5 s).
  int stop(int signal = 15);
  /// What the server has logged so far.
  std::string log() const;
  /// Waits until input `name` shows `state=live` (a sender's first audio heard), at most `timeout`;
  /// whether it did.
  bool wait_live(const std::string& name, std::chrono::milliseconds timeout = std::chrono::seconds(15));
  /// Waits until input `name` shows `settled=yes` (its level came down to its target after the
  /// sender joined: from then on its frames pass unresampled), at most `timeout`; whether it did.
  bool wait_settled(const std::string& name, std::chrono::milliseconds timeout = std::chrono::seconds(15));
  /// A stream-port connection that has sent `LISTEN channel` and read its OK (fails the test if not).
  tcp_client listen(const std::string& channel);

  std::uint16_t control_port;  ///< the control port
  std::uint16_t stream_port;   ///< the stream port
  std::uint16_t http_port;     ///< the web port

 private:
  std::string log_path_;
  std::unique_ptr<child_process> process_;
  std::unique_ptr<control_client> control_;
  bool stopped_ = false;
};

}  // namespace mixmatrix::test
