#include "clients/pcm_sink.hpp"

#include <portaudio.h>
#include <sndfile.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "clients/sound_file_format.hpp"
#include "mixer/byte_ring.hpp"

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
  file_sink(const std::string& path, std::uint32_t rate) : path_(path) {
    SF_INFO info{};
    info.samplerate = static_cast<int>(rate);
    info.channels = 2;
    info.format = sound_file_format(path);
    file_ = sf_open(path.c_str(), SFM_WRITE, &info);
    if (!file_) throw std::runtime_error(path + ": " + sf_strerror(nullptr));
  }
  ~file_sink() override { finish(); }
  void write(const std::int16_t* frames, std::size_t count) override {
    if (sf_writef_short(file_, frames, static_cast<sf_count_t>(count)) != static_cast<sf_count_t>(count)) {
      throw std::runtime_error(path_ + ": " + sf_strerror(file_));
    }
    frames_ += count;
  }
  std::string finish() override {
    if (!file_) return {};
    sf_close(file_);
    file_ = nullptr;
    return "mixplay: wrote " + std::to_string(frames_) + " frames to " + path_;
  }

 private:
  std::string path_;
  SNDFILE* file_ = nullptr;
  std::uint64_t frames_ = 0;
};

class device_sink : public pcm_sink {
 public:
  device_sink(const std::string& device, std::uint32_t rate) : ring_(rate / 2 * 4) {  // 500 ms
    if (Pa_Initialize() != paNoError) throw std::runtime_error("PortAudio cannot start");
    PaStreamParameters out{};
    out.device = find(device);
    if (out.device == paNoDevice) {
      Pa_Terminate();
      throw std::runtime_error(device.empty() ? "no sound device" : "no sound device matches '" + device + "'");
    }
    out.channelCount = 2;
    out.sampleFormat = paInt16;
    out.suggestedLatency = Pa_GetDeviceInfo(out.device)->defaultLowOutputLatency;
    const PaError e = Pa_OpenStream(&stream_, nullptr, &out, rate, paFramesPerBufferUnspecified, paNoFlag,
                                    &device_sink::callback, this);
    if (e != paNoError) {
      Pa_Terminate();
      throw std::runtime_error(std::string("cannot open the sound device: ") + Pa_GetErrorText(e));
    }
    prefill_ = rate / 10 * 4;  // start playing once 100 ms are buffered
  }
  ~device_sink() override { finish(); }

  void write(const std::int16_t* frames, std::size_t count) override {
    auto bytes = std::as_bytes(std::span(frames, count * 2));
    while (!bytes.empty()) {
      const std::size_t n = ring_.write(bytes);
      bytes = bytes.subspan(n);
      if (!started_ && ring_.readable() >= prefill_) start();
      if (!bytes.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(2));  // the card is the clock
    }
  }

  std::string finish() override {
    if (!stream_) return {};
    draining_.store(true, std::memory_order_release);
    if (!started_ && ring_.readable() > 0) start();
    while (started_ && ring_.readable() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    Pa_StopStream(stream_);
    Pa_CloseStream(stream_);
    Pa_Terminate();
    stream_ = nullptr;
    return "mixplay: " + std::to_string(underruns_.load()) + " underruns";
  }

 private:
  static PaDeviceIndex find(const std::string& device) {
    if (device.empty()) return Pa_GetDefaultOutputDevice();
    const PaDeviceIndex count = Pa_GetDeviceCount();
    if (!device.empty() && device.find_first_not_of("0123456789") == std::string::npos) {
      const int index = std::stoi(device);
      return index < count ? index : paNoDevice;
    }
    for (PaDeviceIndex i = 0; i < count; ++i) {
      const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
      if (info->maxOutputChannels >= 2 && std::string(info->name).find(device) != std::string::npos) return i;
    }
    return paNoDevice;
  }

  void start() {
    started_ = Pa_StartStream(stream_) == paNoError;
  }

  // The audio callback: reads the ring, never locks, allocates or logs. After running dry it plays
  // silence until the ring holds the start threshold again, so one hiccup costs one gap, not many.
  static int callback(const void*, void* output, unsigned long frames, const PaStreamCallbackTimeInfo*,
                      PaStreamCallbackFlags, void* user) {
    auto* self = static_cast<device_sink*>(user);
    auto out = std::span(static_cast<std::byte*>(output), frames * 4);
    const std::size_t whole_frames = self->ring_.readable() / 4 * 4;
    if (!self->playing_.load(std::memory_order_relaxed)) {
      if (whole_frames < self->prefill_ && !self->draining_.load(std::memory_order_acquire)) {
        std::fill(out.begin(), out.end(), std::byte{0});
        return paContinue;
      }
      self->playing_.store(true, std::memory_order_relaxed);
    }
    const std::size_t got = self->ring_.read(out.first(std::min(whole_frames, out.size())));
    if (got < out.size()) {
      std::fill(out.begin() + static_cast<std::ptrdiff_t>(got), out.end(), std::byte{0});
      if (!self->draining_.load(std::memory_order_acquire)) self->underruns_.fetch_add(1, std::memory_order_relaxed);
      self->playing_.store(false, std::memory_order_relaxed);
    }
    return paContinue;
  }

  mixer::byte_ring ring_;
  PaStream* stream_ = nullptr;
  std::size_t prefill_ = 0;
  bool started_ = false;
  std::atomic<std::uint64_t> underruns_{0};
  std::atomic<bool> playing_{false};
  std::atomic<bool> draining_{false};  // finish(): play out what is left, below the threshold too
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
  if (Pa_Initialize() != paNoError) return "PortAudio cannot start\n";
  std::string lines;
  for (PaDeviceIndex i = 0; i < Pa_GetDeviceCount(); ++i) {
    const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
    if (info->maxOutputChannels < 1) continue;
    lines += std::to_string(i) + " " + info->name + " (" + Pa_GetHostApiInfo(info->hostApi)->name + ")\n";
  }
  Pa_Terminate();
  return lines;
}

}  // namespace mixmatrix::clients
