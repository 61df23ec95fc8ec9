#include "clients/pcm_sink.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "audio_io/device_pace.hpp"
#include "audio_io/sound_device.hpp"
#include "audio_io/sound_file_writer.hpp"
#include "mixer/byte_ring.hpp"
#include "mixer/level_follower.hpp"
#include "mixer/resampling_reader.hpp"

namespace mixmatrix::clients {
namespace {

class stdout_sink : public pcm_sink {
 public:
  void write(const std::int16_t* frames, std::size_t count) override {
    const auto* bytes = reinterpret_cast<const char*>(frames);
    std::size_t done = 0;
    while (done < count * 4) {
      const ssize_t n = ::write(1, bytes + done, count * 4 - done);
      if (n <= 0) throw std::runtime_error("standard output closed");
      done += static_cast<std::size_t>(n);
    }
  }
  std::string finish() override { return {}; }
};

class file_sink : public pcm_sink {
 public:
  file_sink(const std::string& path, std::uint32_t rate) : file_(path, rate) {}
  ~file_sink() override { finish(); }
  void write(const std::int16_t* frames, std::size_t count) override {
    if (!file_.write(frames, count)) throw std::runtime_error(file_.error());
  }
  std::string finish() override {
    if (finished_) return {};
    finished_ = true;
    file_.close();
    return "mixplay: wrote " + std::to_string(file_.frames()) + " frames to " + file_.path();
  }

 private:
  audio_io::sound_file_writer file_;
  bool finished_ = false;
};

class device_sink : public pcm_sink {
 public:
  device_sink(const std::string& device, std::uint32_t rate)
      : ring_(rate / 2 * 4),  // 500 ms
        prefill_(rate / 10 * 4),  // start playing once 100 ms are buffered
        pace_(rate),
        reader_(max_ratio),
        follower_(rate),
        stream_(device, rate, &device_sink::fill, this) {
    stream_.start();  // now, so that the device fills its own buffer while the ring fills
  }
  ~device_sink() override { finish(); }

  void write(const std::int16_t* frames, std::size_t count) override {
    auto bytes = std::as_bytes(std::span(frames, count * 2));
    while (!bytes.empty()) {
      const std::size_t n = ring_.write(bytes);
      bytes = bytes.subspan(n);
      if (!bytes.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(2));  // the card is the clock
    }
  }

  std::string finish() override {
    if (finished_) return {};
    finished_ = true;
    char drift[32];  // as followed, before playing out the ring (dry, it starts over)
    std::snprintf(drift, sizeof drift, "%.1f", drift_ppm_.load(std::memory_order_relaxed));
    draining_.store(true, std::memory_order_release);
    while (ring_.readable() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return "mixplay: " + std::to_string(underruns_.load()) + " underruns, the card's clock followed at " + drift +
           " ppm";
  }

 private:
  static constexpr double max_ratio = 1.01;  // beyond what the drift loop ever asks

  // The audio callback: reads the ring, never locks, allocates or logs. It plays silence until the
  // device keeps real time (its own buffer full: audio given before would drain the ring at once and
  // leave a gap) and the ring holds the start threshold; after running dry, until the ring holds it
  // again, so one hiccup costs one gap, not many. While playing, a level_follower holds the ring's
  // level where it settled and so follows the card's clock: a resampler reads the ring at its ratio.
  static void fill(std::span<std::byte> out, void* user) {
    auto* self = static_cast<device_sink*>(user);
    if (!self->playing_.load(std::memory_order_relaxed) && !self->draining_.load(std::memory_order_acquire)) {
      // Only the newest start threshold is kept while waiting: a device slow to settle would
      // otherwise let the ring fill, the stream back up into the socket, and the player start (and
      // stay) that much late, its level pinned at full where no drift can show.
      const std::size_t readable = self->ring_.readable() / 4 * 4;
      if (readable > self->prefill_) self->ring_.discard(readable - self->prefill_);
    }
    const std::size_t whole_frames = self->ring_.readable() / 4;
    if (!self->playing_.load(std::memory_order_relaxed)) {
      if (!self->pace_.settled(out.size() / 4, std::chrono::steady_clock::now()) ||
          (whole_frames * 4 < self->prefill_ && !self->draining_.load(std::memory_order_acquire))) {
        std::fill(out.begin(), out.end(), std::byte{0});
        return;
      }
      self->playing_.store(true, std::memory_order_relaxed);
      self->reader_.restart();
      self->follower_.restart();
    }
    self->follower_.observe(static_cast<double>(whole_frames) + self->reader_.ahead(), out.size() / 4);
    self->drift_ppm_.store(self->follower_.drift_ppm(), std::memory_order_relaxed);
    bool dry = false;
    const auto samples = std::span(reinterpret_cast<std::int16_t*>(out.data()), out.size() / 2);
    self->reader_.read(samples, self->follower_.ratio(), [self, &dry](std::span<std::int16_t> in) {
      const auto bytes = std::as_writable_bytes(in);
      const std::size_t got = self->ring_.read(bytes.first(std::min(bytes.size(), self->ring_.readable() / 4 * 4)));
      if (got == bytes.size()) return;
      std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(got), bytes.end(), std::byte{0});
      dry = true;
    });
    if (dry) {
      if (!self->draining_.load(std::memory_order_acquire)) self->underruns_.fetch_add(1, std::memory_order_relaxed);
      self->playing_.store(false, std::memory_order_relaxed);
    }
  }

  mixer::byte_ring ring_;
  std::size_t prefill_;
  std::atomic<std::uint64_t> underruns_{0};
  std::atomic<double> drift_ppm_{0.0};
  std::atomic<bool> playing_{false};
  std::atomic<bool> draining_{false};  // finish(): play out what is left, below the threshold too
  audio_io::device_pace pace_;         // the audio thread's only, as are the two below
  mixer::resampling_reader reader_;
  mixer::level_follower follower_;
  audio_io::output_stream stream_;  // last: its callback uses the members above
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<pcm_sink> open_stdout_sink() { return std::make_unique<stdout_sink>(); }
std::unique_ptr<pcm_sink> open_file_sink(const std::string& path, std::uint32_t rate) {
  return std::make_unique<file_sink>(path, rate);
}
std::unique_ptr<pcm_sink> open_device_sink(const std::string& device, std::uint32_t rate) {
  return std::make_unique<device_sink>(device, rate);
}

std::string list_devices() {
  std::string lines;
  for (const auto& line : audio_io::output_devices()) lines += line + "\n";
  return lines;
}

}  // namespace mixmatrix::clients
