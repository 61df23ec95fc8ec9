#include "server/local_audio/recorder.hpp"

#include <chrono>

#include "server/log.hpp"

namespace mixmatrix::server {

recorder::recorder(std::shared_ptr<mixer::channel> ch, const std::string& path, std::uint32_t rate)
    : channel_(std::move(ch)),
      file_(path, rate),
      cursor_(channel_->output()),
      block_(channel_->output().block_samples()) {
  thread_ = std::jthread([this](const std::stop_token& stop) { run(stop); });
}

void recorder::finish() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
  write_new_blocks();  // what the engine published up to the stop
  file_.close();
}

void recorder::run(const std::stop_token& stop) {
  auto header_due = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (!stop.stop_requested() && !failed()) {
    write_new_blocks();
    if (std::chrono::steady_clock::now() >= header_due && !failed()) {
      file_.update_header();
      header_due += std::chrono::seconds(1);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void recorder::write_new_blocks() {
  while (!failed() && cursor_.read(std::as_writable_bytes(std::span(block_)))) {
    const std::size_t frames = block_.size() / 2;
    if (!file_.write(block_.data(), frames)) {
      failed_.store(true, std::memory_order_release);
      log(log_level::error, "recording " + channel_->name() + " stopped: " + file_.error() + " (" +
                                std::to_string(frames_.load()) + " frames kept, the file is valid up to there)");
      return;
    }
    frames_.fetch_add(frames, std::memory_order_relaxed);
  }
  overruns_.store(cursor_.lost(), std::memory_order_relaxed);
}

}  // namespace mixmatrix::server
