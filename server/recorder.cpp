#include "server/recorder.hpp"

#include <sndfile.h>

#include <chrono>
#include <stdexcept>

#include "audio_io/sound_file_format.hpp"

namespace mixmatrix::server {

recorder::recorder(std::shared_ptr<mixer::channel> ch, const std::string& path, std::uint32_t rate)
    : channel_(std::move(ch)),
      path_(path),
      cursor_(channel_->output()),
      block_(channel_->output().block_samples()) {
  SF_INFO info{};
  info.samplerate = static_cast<int>(rate);
  info.channels = 2;
  info.format = audio_io::sound_file_format(path, rate);
  file_ = sf_open(path.c_str(), SFM_WRITE, &info);
  if (!file_) throw std::runtime_error(path + ": " + sf_strerror(nullptr));
  thread_ = std::jthread([this](const std::stop_token& stop) { run(stop); });
}

recorder::~recorder() {
  thread_.request_stop();
  thread_.join();
  write_new_blocks();  // what the engine published up to the stop
  sf_close(file_);
}

void recorder::run(const std::stop_token& stop) {
  while (!stop.stop_requested()) {
    write_new_blocks();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void recorder::write_new_blocks() {
  while (cursor_.read(std::as_writable_bytes(std::span(block_)))) {
    const auto frames = static_cast<sf_count_t>(block_.size() / 2);
    sf_writef_short(file_, block_.data(), frames);
    frames_.fetch_add(static_cast<std::uint64_t>(frames), std::memory_order_relaxed);
  }
  overruns_.store(cursor_.lost(), std::memory_order_relaxed);
}

}  // namespace mixmatrix::server
