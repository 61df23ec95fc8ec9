#include "server/recorder.hpp"

#include <sndfile.h>

#include <chrono>
#include <stdexcept>
#include <vector>

#include "audio_io/sound_file_format.hpp"

namespace mixmatrix::server {
recorder::recorder(std::shared_ptr<mixer::channel> ch, const std::string& path, std::uint32_t rate)
    : channel_(std::move(ch)), path_(path) {
  SF_INFO info{};
  info.samplerate = static_cast<int>(rate);
  info.channels = 2;
  info.format = audio_io::sound_file_format(path, rate);
  file_ = sf_open(path.c_str(), SFM_WRITE, &info);
  if (!file_) throw std::runtime_error(path + ": " + sf_strerror(nullptr));
  next_block_ = channel_->output().published();
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
  auto& output = channel_->output();
  std::vector<std::int16_t> block(output.block_samples());
  const std::uint64_t published = output.published();
  const std::uint64_t keep = output.depth() / 2;  // as listeners: never race the writer for a slot
  if (published - next_block_ > keep) {
    overruns_.fetch_add(published - keep - next_block_, std::memory_order_relaxed);
    next_block_ = published - keep;
  }
  for (; next_block_ < published; ++next_block_) {
    if (!output.copy(next_block_, std::as_writable_bytes(std::span(block)))) {
      overruns_.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    const auto frames = static_cast<sf_count_t>(block.size() / 2);
    sf_writef_short(file_, block.data(), frames);
    frames_.fetch_add(static_cast<std::uint64_t>(frames), std::memory_order_relaxed);
  }
}

}  // namespace mixmatrix::server
