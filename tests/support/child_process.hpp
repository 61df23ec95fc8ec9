#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace mixmatrix::test {

/// A program run by a test: started with posix_spawn, its stdout/stderr appended to a log file.
class child_process {
 public:
  /// Starts `argv` (argv[0] looked up in PATH); output goes to `log_path` when given.
  explicit child_process(const std::vector<std::string>& argv, const std::string& log_path = {});
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;
  /// Kills the program (SIGKILL) if it still runs.
  ~child_process();

  /// Sends a signal.
  void signal(int sig);
  /// Waits up to `timeout` for the exit; the exit status (128+N for signal N), or nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  /// True while the program runs.
  bool running();
  /// The process id.
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

/// `argv` run real time (SCHED_FIFO 10) where allowed, else at nice -10 where that is (as a sound
/// source's driver runs), for the senders of tests whose claims are timings: a build beside the
/// tests then cannot starve the source being measured.
std::vector<std::string> as_audio_source(std::vector<std::string> argv);
/// Runs `command` with /bin/sh and waits up to `timeout`; its exit status, or -1 on timeout.
int run_shell(const std::string& command, std::chrono::milliseconds timeout = std::chrono::seconds(30));
/// The whole content of a file ("" when missing).
std::string read_file(const std::string& path);
/// A fresh, empty directory under /tmp for one test.
std::string temp_dir();

/// True when `program` is found in PATH.
bool have_program(const std::string& program);

}  // namespace mixmatrix::test
