#include "server/local_audio/file_player.hpp"

#include <chrono>
#include <vector>

namespace mixmatrix::server {
namespace {
constexpr std::size_t chunk_frames = 2048;
}

file_player::file_player(std::shared_ptr<mixer::input_channel> input, const std::string& path, bool loop,
                         std::uint32_t rate)
    : input_(std::move(input)), path_(path), loop_(loop), file_(path) {
  audio_io::require_rate(file_, path, rate);
  input_->attach_sender("file");
  thread_ = std::jthread([this](const std::stop_token& stop) { run(stop); });
}

file_player::~file_player() {
  thread_.request_stop();
  thread_.join();
}

void file_player::run(const std::stop_token& stop) {
  std::vector<std::int16_t> chunk(chunk_frames * 2);
  auto& ring = input_->ring();
  while (!stop.stop_requested()) {
    if (ring.free_space() < chunk.size() * sizeof(std::int16_t)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the engine drains it at real time
      continue;
    }
    std::size_t frames = file_.read(chunk.data(), chunk_frames);
    if (frames == 0 && loop_ && file_.frames() > 0 && file_.rewind()) frames = file_.read(chunk.data(), chunk_frames);
    if (frames == 0) {
      input_->detach_sender();  // the engine plays out what is buffered, then the input is idle
      ended_.store(true, std::memory_order_release);
      return;
    }
    const auto bytes = std::as_bytes(std::span(chunk.data(), frames * 2));
    ring.write(bytes);  // fits: checked above
    input_->counters().bytes_in.fetch_add(bytes.size(), std::memory_order_relaxed);
  }
}

}  // namespace mixmatrix::server
