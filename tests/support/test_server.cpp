#include "tests/support/test_server.hpp"

#include <signal.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

#include <doctest/doctest.h>

namespace mixmatrix::test {

control_client::control_client(std::uint16_t port) : socket_(port) {
  greeting_ = socket_.read_line(std::chrono::seconds(5)).value_or("");
}

reply control_client::command(const std::string& line) {
  socket_.send(line + "\n");
  reply r;
  for (;;) {
    auto l = socket_.read_line(std::chrono::seconds(10));
    if (!l) {
      r.status = "(no reply)";
      return r;
    }
    if (l->starts_with("* ")) continue;
    if (l->starts_with("OK") || l->starts_with("ERR")) {
      r.status = *l;
      return r;
    }
    r.data.push_back(*l);
  }
}

test_server::test_server(const std::vector<std::string>& extra_args)
    : control_port(free_port()), stream_port(free_port()), http_port(free_port()) {
  log_path_ = "/tmp/mixmatrix-test-" + std::to_string(::getpid()) + "-" + std::to_string(control_port) + ".log";
  std::vector<std::string> argv{MIXMATRIXD_PATH, "--control", "127.0.0.1:" + std::to_string(control_port), "--stream",
                                "127.0.0.1:" + std::to_string(stream_port), "--http",
                                "127.0.0.1:" + std::to_string(http_port)};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<child_process>(argv, log_path_);
  for (int attempt = 0; attempt < 500; ++attempt) {
    try {
      control_ = std::make_unique<control_client>(control_port);
      return;
    } catch (const std::runtime_error&) {
      if (!process_->running()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  throw std::runtime_error("mixmatrixd did not start: " + log());
}

test_server::~test_server() {
  if (stopped_) return;
  const int status = stop();
  CHECK_MESSAGE(status == 0, "mixmatrixd exited with status " << status << "; its log:\n" << log());
}

reply test_server::command(const std::string& line) { return control_->command(line); }

int test_server::stop(int signal) {
  stopped_ = true;
  control_.reset();
  process_->signal(signal);
  if (const auto status = process_->wait(std::chrono::seconds(5))) return *status;
  // A server that does not stop is a bug to find: every thread's stack goes into its log.
  if (have_program("gdb")) {
    run_shell("gdb -p " + std::to_string(process_->pid()) + " -batch -ex 'thread apply all bt' >> " +
                  log_path_ + " 2>&1",
              std::chrono::seconds(60));
  }
  return -1;
}

std::string test_server::log() const { return read_file(log_path_); }

namespace {
// Polls `show NAME` until its line holds `word`, at most `timeout`.
bool wait_for_word(test_server& server, const std::string& name, const std::string& word,
                   std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (server.command("show " + name).data.at(0).find(word) == std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}
}  // namespace

bool test_server::wait_live(const std::string& name, std::chrono::milliseconds timeout) {
  return wait_for_word(*this, name, "state=live", timeout);
}

bool test_server::wait_settled(const std::string& name, std::chrono::milliseconds timeout) {
  return wait_for_word(*this, name, " settled=yes", timeout);
}

tcp_client test_server::listen(const std::string& channel) {
  tcp_client listener(stream_port);
  listener.send("LISTEN " + channel + "\n");
  const auto reply = listener.read_line(std::chrono::seconds(2)).value_or("");
  REQUIRE_MESSAGE(reply.starts_with("OK"), "LISTEN " << channel << ": " << reply);
  return listener;
}

double show_field(const std::string& line, const std::string& key) {
  const auto at = line.find(" " + key + "=");
  REQUIRE_MESSAGE(at != std::string::npos, key << " not in: " << line);
  return std::stod(line.substr(at + key.size() + 2));
}

}  // namespace mixmatrix::test
