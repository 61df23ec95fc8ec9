#include "server/local_audio.hpp"

#include "audio_io/sound_device.hpp"
#include "server/log.hpp"

namespace mixmatrix::server {
namespace {

using protocol::code;
using protocol::failure;

std::string played_summary(const device_output& out) {
  return out.device() + ": " + std::to_string(out.frames()) + " frames, " + std::to_string(out.skips()) + " skips, " +
         std::to_string(out.repeats()) + " repeats";
}

}  // namespace

local_audio::local_audio(asio::io_context& io, std::uint32_t rate) : rate_(rate), devices_(io) {}

void local_audio::stop_all() {
  recorders_.clear();  // each recording is finalised: a valid file after SIGTERM too
  outputs_.clear();
  files_.clear();
}

local_audio::reply local_audio::record(std::shared_ptr<mixer::channel> ch, const std::string& path) {
  const std::string name = ch->name();
  if (recorders_.contains(name)) {
    return failure{code::conflict, name + " is already recording to " + recorders_.at(name)->path()};
  }
  try {
    recorders_[name] = std::make_unique<recorder>(std::move(ch), path, rate_);
  } catch (const std::runtime_error& e) {
    return failure{code::unavailable, e.what()};
  }
  log(log_level::info, "recording " + name + " to " + path);
  return std::string{};
}

void local_audio::play(std::shared_ptr<mixer::channel> ch, const std::string& device, bool async,
                       const reply_handler& done) {
  const std::string name = ch->name();
  if (auto it = outputs_.find(name); it != outputs_.end()) {
    return done(failure{code::conflict, name + " is already playing" + (it->second ? " on " + it->second->device() : "")});
  }
  outputs_[name] = nullptr;
  using opened = protocol::result<std::shared_ptr<device_output>>;
  auto job = [ch = std::move(ch), device, rate = rate_]() -> opened {
    try {
      return std::make_shared<device_output>(ch, device, rate);
    } catch (const std::runtime_error& e) {
      return failure{code::unavailable, e.what()};
    }
  };
  on_device(async, std::move(job), [this, name, done](opened result) {
    auto it = outputs_.find(name);
    if (it == outputs_.end() || it->second) {  // the channel went away meanwhile
      if (result) close_later(std::move(result.value()));
      return done(failure{code::not_found, "no such channel " + name});
    }
    if (!result) {
      outputs_.erase(it);
      return done(result.error());
    }
    it->second = std::move(result.value());
    log(log_level::info, "playing " + name + " on " + it->second->device());
    done(std::string{});
  });
}

void local_audio::devices(bool async, const reply_handler& done) {
  on_device(async, [] { return audio_io::output_devices(); }, [done](const std::vector<std::string>& found) {
    std::string lines;
    for (const auto& line : found) lines += line + "\n";
    done(lines);
  });
}

void local_audio::stop(const std::string& name, bool async, const reply_handler& done) {
  std::string lines;
  if (auto it = recorders_.find(name); it != recorders_.end()) {
    const std::string summary = it->second->path() + ": " + std::to_string(it->second->frames()) + " frames, " +
                                std::to_string(it->second->overruns()) + " overruns";
    recorders_.erase(it);
    log(log_level::info, "stopped recording " + name + " (" + summary + ")");
    lines += "recorded " + summary + "\n";
  }
  auto it = outputs_.find(name);
  if (it == outputs_.end() || !it->second) {
    if (lines.empty()) return done(failure{code::not_found, name + " is not recording or playing"});
    return done(lines);
  }
  std::shared_ptr<device_output> output = std::move(it->second);
  outputs_.erase(it);
  auto job = [output = std::move(output)]() mutable {
    const std::string summary = played_summary(*output);
    output.reset();  // closes the stream
    return summary;
  };
  on_device(async, std::move(job), [name, lines, done](const std::string& summary) {
    log(log_level::info, "stopped playing " + name + " (" + summary + ")");
    done(lines + "played " + summary + "\n");
  });
}

local_audio::reply local_audio::play_file(std::shared_ptr<mixer::input_channel> input, const std::string& path,
                                          bool loop) {
  const std::string name = input->name();
  try {
    files_[name] = std::make_unique<file_player>(std::move(input), path, loop, rate_);
  } catch (const std::runtime_error& e) {
    return failure{code::bad_request, e.what()};
  }
  return std::string{};
}

const file_player* local_audio::file_of(const std::string& name) const {
  const auto it = files_.find(name);
  return it == files_.end() ? nullptr : it->second.get();
}

std::string local_audio::describe(const std::string& name) const {
  std::string lines;
  if (const auto it = recorders_.find(name); it != recorders_.end()) {
    lines += "recording " + it->second->path() + " frames=" + std::to_string(it->second->frames()) +
             " overruns=" + std::to_string(it->second->overruns()) + "\n";
  }
  if (const auto it = outputs_.find(name); it != outputs_.end() && it->second) {
    const auto& out = *it->second;
    lines += "playing " + out.device() + " frames=" + std::to_string(out.frames()) +
             " skips=" + std::to_string(out.skips()) + " repeats=" + std::to_string(out.repeats()) + "\n";
  }
  return lines;
}

void local_audio::forget(const std::string& name) {
  recorders_.erase(name);
  files_.erase(name);
  auto it = outputs_.find(name);
  if (it == outputs_.end()) return;
  if (it->second) close_later(std::move(it->second));
  outputs_.erase(it);
}

void local_audio::close_later(std::shared_ptr<device_output> output) {
  devices_.run([output = std::move(output)]() mutable { output.reset(); });
}

}  // namespace mixmatrix::server
