#include "server/local_audio/file_player.hpp"

#include <chrono>
#include <vector>

#include "protocol/stream_format.hpp"

namespace mixmatrix::server {
namespace {
constexpr std::size_t chunk_frames = 2048;
}

file_player::file_player(std::shared_ptr<mixer::input_channel> input, const std::string& path, bool loop,
                         std::uint32_t rate)
    : input_(std::move(input)), path_(path), loop_(loop), file_(path) {
  audio_io::require_rate_within(file_, path, protocol::min_stream_rate, protocol::max_stream_rate);
  if (file_.rate() != rate) converter_.emplace(file_.rate(), rate, chunk_frames);
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
  const std::size_t most = (converter_ ? converter_->max_output(chunk_frames) : chunk_frames) * 2 * sizeof(std::int16_t);
  while (!stop.stop_requested()) {
    if (ring.free_space() < most) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the engine drains it at real time
      continue;
    }
    std::size_t frames = file_.read(chunk.data(), chunk_frames);
    if (frames == 0 && loop_ && file_.frames() > 0 && file_.rewind()) frames = file_.read(chunk.data(), chunk_frames);
    if (frames == 0) {
      if (converter_) {
        const auto last = std::as_bytes(converter_->finish());  // fits: the room was checked above
        ring.write(last);
        input_->counters().bytes_in.fetch_add(last.size(), std::memory_order_relaxed);
      }
      input_->detach_sender();  // the engine plays out what is buffered, then the input is idle
      ended_.store(true, std::memory_order_release);
      return;
    }
    const std::span<const std::int16_t> read(chunk.data(), frames * 2);
    const auto bytes = std::as_bytes(converter_ ? converter_->convert(read) : read);
    ring.write(bytes);  // fits: checked above
    input_->counters().bytes_in.fetch_add(bytes.size(), std::memory_order_relaxed);
  }
}

}  // namespace mixmatrix::server
