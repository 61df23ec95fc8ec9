#include "server/local_audio/local_audio.hpp"

#include "audio_io/sound_device.hpp"
#include "server/log.hpp"

namespace mixmatrix::server {
namespace {

using protocol::code;
using protocol::failure;

std::string summary(const recording_status& s) {
  return s.path + ": " + std::to_string(s.frames) + " frames, " + std::to_string(s.overruns) + " overruns";
}

std::string summary(const playback_status& s) {
  return s.device + ": " + std::to_string(s.frames) + " frames, " + std::to_string(s.skips) + " skips, " +
         std::to_string(s.repeats) + " repeats";
}

recording_status status_of(const recorder& r) { return {r.path(), r.frames(), r.overruns(), r.failed()}; }

playback_status status_of(const device_output& out) {
  return {out.device(), out.frames(), out.skips(), out.repeats(), out.drift_ppm()};
}

}  // namespace

local_audio::local_audio(asio::io_context& io, worker_pool& pool, worker_strand devices, std::uint32_t rate)
    : io_(io), pool_(pool), devices_(std::move(devices)), rate_(rate) {}

void local_audio::stop_all() {
  recorders_.clear();  // each recording is finalised: a valid file after SIGTERM too
  outputs_.clear();
  files_.clear();
}

template <class T, class Executor, class Open>
void local_audio::open_into(std::map<std::string, std::shared_ptr<T>>& slots, const std::string& name,
                            const Executor& where, Open open, code refusal, done_handler done) {
  slots[name] = nullptr;
  using opened = protocol::result<std::shared_ptr<T>>;
  auto job = [open = std::move(open), refusal]() -> opened {
    try {
      return open();
    } catch (const std::runtime_error& e) {
      return failure{refusal, e.what()};
    }
  };
  run_then(where, io_, std::move(job), [this, &slots, where, name, done = std::move(done)](opened result) {
    auto it = slots.find(name);
    const bool wanted = it != slots.end() && !it->second;
    if (!result) {
      if (wanted) slots.erase(it);
      return done(result.error());
    }
    if (!wanted) {  // the channel went away meanwhile
      close_later(where, std::move(result.value()));
      return done(failure{code::not_found, "no such channel " + name});
    }
    it->second = std::move(result.value());
    done(std::nullopt);
  });
}

template <class Executor, class T>
void local_audio::close_later(const Executor& where, T thing) {
  asio::post(where, [thing = std::move(thing)]() mutable { thing.reset(); });
}

void local_audio::record(std::shared_ptr<mixer::channel> ch, const std::string& path, done_handler done) {
  const std::string name = ch->name();
  if (auto it = recorders_.find(name); it != recorders_.end()) {
    return done(failure{code::conflict, name + " is already recording" + (it->second ? " to " + it->second->path() : "")});
  }
  auto open = [ch = std::move(ch), path, rate = rate_] { return std::make_shared<recorder>(ch, path, rate); };
  open_into(recorders_, name, pool_.get_executor(), std::move(open), code::unavailable,
            [name, path, done = std::move(done)](std::optional<failure> e) {
              if (!e) log(log_level::info, "recording " + name + " to " + path);
              done(std::move(e));
            });
}

void local_audio::play(std::shared_ptr<mixer::channel> ch, const std::string& device, done_handler done) {
  const std::string name = ch->name();
  if (auto it = outputs_.find(name); it != outputs_.end()) {
    return done(failure{code::conflict, name + " is already playing" + (it->second ? " on " + it->second->device() : "")});
  }
  auto open = [ch = std::move(ch), device, rate = rate_] { return std::make_shared<device_output>(ch, device, rate); };
  open_into(outputs_, name, devices_, std::move(open), code::unavailable,
            [this, name, done = std::move(done)](std::optional<failure> e) {
              if (!e) log(log_level::info, "playing " + name + " on " + outputs_.at(name)->device());
              done(std::move(e));
            });
}

void local_audio::devices(std::function<void(std::vector<std::string>)> done) {
  run_then(devices_, io_, [] { return audio_io::output_devices(); }, std::move(done));
}

void local_audio::stop(const std::string& name, std::function<void(protocol::result<stopped_audio>)> done) {
  std::shared_ptr<recorder> rec;
  std::shared_ptr<device_output> out;
  if (auto it = recorders_.find(name); it != recorders_.end() && it->second) {
    rec = std::move(it->second);
    recorders_.erase(it);
  }
  if (auto it = outputs_.find(name); it != outputs_.end() && it->second) {
    out = std::move(it->second);
    outputs_.erase(it);
  }
  if (!rec && !out) return done(failure{code::not_found, name + " is not recording or playing"});
  // Finalising the file and closing the stream both wait (for the disk, for the card).
  auto job = [rec = std::move(rec), out = std::move(out)]() mutable {
    stopped_audio stopped;
    if (rec) {
      rec->finish();  // the last blocks are written first, so the count is the file's
      stopped.recording = status_of(*rec);
      rec.reset();
    }
    if (out) {
      stopped.playback = status_of(*out);
      out.reset();
    }
    return stopped;
  };
  run_then(devices_, io_, std::move(job), [name, done = std::move(done)](stopped_audio stopped) {
    if (stopped.recording) log(log_level::info, "stopped recording " + name + " (" + summary(*stopped.recording) + ")");
    if (stopped.playback) log(log_level::info, "stopped playing " + name + " (" + summary(*stopped.playback) + ")");
    done(std::move(stopped));
  });
}

void local_audio::play_file(std::shared_ptr<mixer::input_channel> input, const std::string& path, bool loop,
                            done_handler done) {
  const std::string name = input->name();
  if (files_.contains(name)) return done(failure{code::conflict, "name " + name + " exists"});
  auto open = [input = std::move(input), path, loop, rate = rate_] {
    return std::make_shared<file_player>(input, path, loop, rate);
  };
  open_into(files_, name, pool_.get_executor(), std::move(open), code::bad_request, std::move(done));
}

void local_audio::forget(const std::string& name) {
  if (auto it = recorders_.find(name); it != recorders_.end()) {
    if (it->second) close_later(pool_.get_executor(), std::move(it->second));
    recorders_.erase(it);
  }
  if (auto it = outputs_.find(name); it != outputs_.end()) {
    if (it->second) close_later(devices_, std::move(it->second));
    outputs_.erase(it);
  }
  if (auto it = files_.find(name); it != files_.end()) {
    if (it->second) close_later(pool_.get_executor(), std::move(it->second));  // joins its reader thread
    files_.erase(it);
  }
}

std::optional<recording_status> local_audio::recording(const std::string& name) const {
  const auto it = recorders_.find(name);
  if (it == recorders_.end() || !it->second) return std::nullopt;
  return status_of(*it->second);
}

std::optional<playback_status> local_audio::playback(const std::string& name) const {
  const auto it = outputs_.find(name);
  if (it == outputs_.end() || !it->second) return std::nullopt;
  return status_of(*it->second);
}

std::optional<file_status> local_audio::file(const std::string& name) const {
  const auto it = files_.find(name);
  if (it == files_.end() || !it->second) return std::nullopt;
  return file_status{it->second->path(), it->second->loops(), it->second->ended()};
}

}  // namespace mixmatrix::server
