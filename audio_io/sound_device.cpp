#include "audio_io/sound_device.hpp"

#include <alsa/asoundlib.h>
#include <jack/jack.h>
#include <portaudio.h>

#include <mutex>
#include <stdexcept>

namespace mixmatrix::audio_io {
namespace {

// While PortAudio probes, ALSA and JACK write a line to stderr for every device and server they do
// not find ("ALSA lib pcm.c:... Unknown PCM ...", "jack server is not running ..."), before and
// instead of the program's own messages. Both libraries take a handler for those lines: no-op
// handlers silence them and nothing else, for good, where pointing descriptor 2 elsewhere around
// Pa_Initialize would also swallow what other threads write meanwhile (the server's log). What
// PortAudio cannot do it still reports, through its error codes.
void ignore_alsa(const char*, int, const char*, int, const char*, ...) {}
void ignore_jack(const char*) {}

PaError initialize_portaudio() {
  static std::once_flag quiet;
  std::call_once(quiet, [] {
    snd_lib_error_set_handler(&ignore_alsa);
    jack_set_error_function(&ignore_jack);
    jack_set_info_function(&ignore_jack);
  });
  return Pa_Initialize();
}

// Keeps PortAudio initialised while alive; PortAudio counts nested initialisations.
class portaudio_library {
 public:
  portaudio_library() : ok_(initialize_portaudio() == paNoError) {}
  ~portaudio_library() {
    if (ok_) Pa_Terminate();
  }
  portaudio_library(const portaudio_library&) = delete;
  portaudio_library& operator=(const portaudio_library&) = delete;
  bool ok() const { return ok_; }

 private:
  bool ok_;
};

PaDeviceIndex find_output(const std::string& device) {
  if (device.empty()) return Pa_GetDefaultOutputDevice();
  const PaDeviceIndex count = Pa_GetDeviceCount();
  if (device.find_first_not_of("0123456789") == std::string::npos && device.size() < 6) {
    const int index = std::stoi(device);
    return index < count && Pa_GetDeviceInfo(index)->maxOutputChannels >= 1 ? index : paNoDevice;
  }
  for (PaDeviceIndex i = 0; i < count; ++i) {
    const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
    if (info->maxOutputChannels >= 1 && std::string(info->name).find(device) != std::string::npos) return i;
  }
  return paNoDevice;
}

int pull(const void*, void* output, unsigned long frames, const PaStreamCallbackTimeInfo*, PaStreamCallbackFlags,
         void* target) {
  const auto* to = static_cast<const output_stream::callback*>(target);
  to->fill({static_cast<std::byte*>(output), frames * 4}, to->user);
  return paContinue;
}

}  // namespace

std::vector<std::string> output_devices() {
  portaudio_library library;
  if (!library.ok()) return {"PortAudio cannot start"};
  std::vector<std::string> lines;
  for (PaDeviceIndex i = 0; i < Pa_GetDeviceCount(); ++i) {
    const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
    if (info->maxOutputChannels < 1) continue;
    lines.push_back(std::to_string(i) + " " + info->name + " (" + Pa_GetHostApiInfo(info->hostApi)->name + ")");
  }
  return lines;
}

output_stream::output_stream(const std::string& device, std::uint32_t rate, fill_function fill, void* user)
    : callback_{fill, user} {
  if (initialize_portaudio() != paNoError) throw std::runtime_error("PortAudio cannot start");
  const auto fail = [](const std::string& why) {
    Pa_Terminate();
    throw std::runtime_error(why);
  };
  PaStreamParameters out{};
  out.device = find_output(device);
  if (out.device == paNoDevice) fail(device.empty() ? "no sound device" : "no sound device matches '" + device + "'");
  const PaDeviceInfo* info = Pa_GetDeviceInfo(out.device);
  device_name_ = info->name;
  out.channelCount = 2;
  out.sampleFormat = paInt16;
  out.suggestedLatency = info->defaultLowOutputLatency;
  PaStream* stream = nullptr;
  const PaError e = Pa_OpenStream(&stream, nullptr, &out, rate, paFramesPerBufferUnspecified, paNoFlag, &pull, &callback_);
  if (e != paNoError) fail("cannot open " + device_name_ + ": " + Pa_GetErrorText(e));
  stream_ = stream;
}

output_stream::~output_stream() {
  if (started_) Pa_StopStream(stream_);
  Pa_CloseStream(stream_);
  Pa_Terminate();
}

void output_stream::start() {
  const PaError e = Pa_StartStream(stream_);
  if (e != paNoError) throw std::runtime_error("cannot start " + device_name_ + ": " + Pa_GetErrorText(e));
  started_ = true;
}

}  // namespace mixmatrix::audio_io
