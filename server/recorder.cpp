#include "server/recorder.hpp"

#include <sndfile.h>

#include <chrono>
#include <stdexcept>
#include <vector>

namespace mixmatrix::server {
namespace {

// The major format libsndfile associates with the file's extension, with 16-bit PCM where the
// format takes it (Vorbis, then Opus, for the compressed-only containers).
int format_for(const std::string& path, std::uint32_t rate) {
  const auto dot = path.rfind('.');
  const std::string ext = dot == std::string::npos ? "" : path.substr(dot + 1);
  int count = 0;
  sf_command(nullptr, SFC_GET_FORMAT_MAJOR_COUNT, &count, sizeof count);
  for (int i = 0; i < count; ++i) {
    SF_FORMAT_INFO info{};
    info.format = i;
    sf_command(nullptr, SFC_GET_FORMAT_MAJOR, &info, sizeof info);
    if (ext.empty() || ext != info.extension) continue;
    for (int subtype : {SF_FORMAT_PCM_16, SF_FORMAT_VORBIS, SF_FORMAT_OPUS}) {
      SF_INFO probe{};
      probe.samplerate = static_cast<int>(rate);
      probe.channels = 2;
      probe.format = info.format | subtype;
      if (sf_format_check(&probe)) return probe.format;
    }
  }
  throw std::runtime_error(path + ": no sound file format for '." + ext + "' (try wav, flac, ogg)");
}

}  // namespace

recorder::recorder(std::shared_ptr<mixer::channel> ch, const std::string& path, std::uint32_t rate)
    : channel_(std::move(ch)), path_(path) {
  SF_INFO info{};
  info.samplerate = static_cast<int>(rate);
  info.channels = 2;
  info.format = format_for(path, rate);
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
