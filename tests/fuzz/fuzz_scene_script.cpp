// Fuzz target: a scene file run by the server's real command core, as --load, --state and `load`
// run one (server::run_scene_script). The rig around the core is built once: a real mixer engine
// (ticked one block after each input), its engine_thread (never started), an event bus, a
// one-thread pool for the disk and a fake audio service (record, play and file inputs are refused
// with 503, one sound device, nothing to stop). Each input gets a fresh command core, with fake
// raw ports (open() succeeds and is remembered) and a real scene_store without a state file (its
// disk strand on that pool), so nothing carries over from one input to the next.
//
// Checks, beyond sanitizers: the script answers exactly once; a failure names fuzz.mix:LINE; and
// the scene left behind, as `save` writes it, loads into a fresh core without error (a --state
// file the server wrote must restart it) and is then a fixed point: saving what it loaded and
// loading that again gives the same text.
//
// `save` and `load` touch the disk: they run inside a private folder (MIXMATRIX_FUZZ_DIR, else a
// new one under /dev/shm or TMPDIR), made the working directory only while a script runs and
// emptied after an input that saved; inputs whose save or load path has a slash are rejected
// (-1), so nothing outside it is read or written. The folder holds loop.mix (`load loop.mix`,
// for the nesting limit) and scene.mix (a small scene). Run by hand, give libFuzzer an absolute
// -artifact_prefix: a crash inside a script would otherwise be saved in that folder.

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fuzz_support.hpp"
#include "mixer/engine.hpp"
#include "protocol/command_parser.hpp"
#include "protocol/line_reader.hpp"
#include "protocol/words.hpp"
#include "server/asio.hpp"
#include "server/control/audio_service.hpp"
#include "server/control/channel_directory.hpp"
#include "server/control/command_core.hpp"
#include "server/control/event_bus.hpp"
#include "server/control/port_words.hpp"
#include "server/control/scene_script.hpp"
#include "server/control/scene_store.hpp"
#include "server/engine_thread.hpp"
#include "server/log.hpp"
#include "server/server_options.hpp"

namespace {

using namespace mixmatrix;
using fuzz::check;
using protocol::code;
using protocol::failure;
namespace asio = server::asio;

// Raw ports as the core sees them: every open() succeeds and is remembered until the channel goes.
class fake_ports : public server::channel_ports {
 public:
  std::optional<failure> open(std::shared_ptr<mixer::channel> ch, const server::port_spec& spec) override {
    ports_[ch->name()] = spec;
    return std::nullopt;
  }
  std::optional<server::port_spec> port_of(const std::string& name) const override {
    const auto it = ports_.find(name);
    if (it == ports_.end()) return std::nullopt;
    return it->second;
  }
  std::string line_words(const std::string& name, bool detailed) const override {
    const auto spec = port_of(name);
    return spec ? server::port_line_words(*spec, detailed, protocol::backplane_format(44100)) : std::string{};
  }
  std::string scene_words(const std::string& name) const override {
    const auto spec = port_of(name);
    return spec ? server::port_scene_words(*spec) : std::string{};
  }
  void on_channel_removed(const mixer::channel& ch) override { ports_.erase(ch.name()); }

 private:
  std::map<std::string, server::port_spec> ports_;
};

// The server's own audio, answering every call at once: nothing can be recorded, played or read.
class fake_audio : public server::audio_service {
 public:
  void record(std::shared_ptr<mixer::channel>, const std::string& path, done_handler done) override {
    done(failure{code::unavailable, "cannot create " + path + ": no disk in the fuzzer"});
  }
  void play(std::shared_ptr<mixer::channel>, const std::string&, done_handler done) override {
    done(failure{code::unavailable, "no sound device in the fuzzer"});
  }
  void devices(std::function<void(std::vector<std::string>)> done) override { done({"0 Fuzz Output (ALSA)"}); }
  void stop(const std::string& name, std::function<void(protocol::result<server::stopped_audio>)> done) override {
    done(failure{code::not_found, name + " is not recording or playing"});
  }
  void play_file(std::shared_ptr<mixer::input_channel>, const std::string& path, bool, done_handler done) override {
    done(failure{code::unavailable, "cannot open " + path + ": no files in the fuzzer"});
  }
  void forget(const std::string&) override {}
  std::optional<server::recording_status> recording(const std::string&) const override { return std::nullopt; }
  std::optional<server::playback_status> playback(const std::string&) const override { return std::nullopt; }
  std::optional<server::file_status> file(const std::string&) const override { return std::nullopt; }
};

server::server_options fuzz_options() {
  server::server_options o;
  o.engine.max_channels = 16;  // enough for every command; keeps a full scene cheap
  return o;
}

// The private folder that `save` and `load` work in.
class sandbox {
 public:
  sandbox() {
    if (const char* given = std::getenv("MIXMATRIX_FUZZ_DIR"); given && *given) {
      path_ = given;
    } else {
      const char* tmp = std::getenv("TMPDIR");
      std::string base = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : (tmp && *tmp ? tmp : "/tmp");
      std::string pattern = base + "/mixmatrix-fuzz.XXXXXX";
      check(::mkdtemp(pattern.data()) != nullptr, "cannot make a folder for save and load", pattern);
      path_ = pattern;
      owned_ = true;
    }
    dir_ = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    check(dir_ >= 0, "cannot open the folder for save and load", path_);
    home_ = ::open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    check(home_ >= 0, "cannot open the working directory");
    reset();
  }
  ~sandbox() {
    clear();
    ::close(dir_);
    ::close(home_);
    if (owned_) ::rmdir(path_.c_str());
  }
  sandbox(const sandbox&) = delete;
  sandbox& operator=(const sandbox&) = delete;

  // Back to its two files and nothing else.
  void reset() {
    clear();
    write("loop.mix", "# loads itself until the nesting limit stops it\nload loop.mix\n");
    write("scene.mix", "input add a tone 440\ninput add b port 7702 latency 40\nmix add m port 7710\nroute m a -6\n"
                       "route m b\nmute m b\ngain m -3\n");
  }
  void enter() const { check(::fchdir(dir_) == 0, "cannot enter the folder for save and load", path_); }
  void leave() const { check(::fchdir(home_) == 0, "cannot return to the working directory"); }

 private:
  void clear() const {
    DIR* d = ::fdopendir(::dup(dir_));
    check(d != nullptr, "cannot list the folder for save and load", path_);
    ::rewinddir(d);  // the duplicate shares its offset, left at the end by the last listing
    std::vector<std::string> names;
    while (const dirent* e = ::readdir(d)) {
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.emplace_back(e->d_name);
    }
    ::closedir(d);
    for (const auto& n : names) ::unlinkat(dir_, n.c_str(), 0);
  }
  void write(const char* name, std::string_view text) const {
    const int fd = ::openat(dir_, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    check(fd >= 0, "cannot write a file for load", name);
    check(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()), "short write", name);
    ::close(fd);
  }

  std::string path_;
  int dir_ = -1;
  int home_ = -1;
  bool owned_ = false;
};

// RTP outputs accepted and never sent: a fuzzed address may be anywhere, test traffic stays here.
class fake_rtp : public server::channel_rtp {
 public:
  std::optional<failure> send(std::shared_ptr<mixer::channel>, const protocol::rtp_target&) override {
    return std::nullopt;
  }
  std::optional<protocol::sdp_stream> sdp_of(const std::string&) const override { return std::nullopt; }
  std::string line_words(const std::string&, bool) const override { return {}; }
  std::string scene_words(const std::string&) const override { return {}; }
  void on_channel_removed(const mixer::channel&) override {}
};

// RTP inputs accepted and never bound: a fuzzed address may be anywhere, and any port taken.
class fake_rtp_inputs : public server::channel_rtp_inputs {
 public:
  std::optional<failure> receive(std::shared_ptr<mixer::input_channel>, const protocol::rtp_source&,
                                 const server::rtp_origin&) override {
    return std::nullopt;
  }
  std::string line_words(const std::string&, bool) const override { return {}; }
  std::string scene_words(const std::string&) const override { return {}; }
  void on_channel_removed(const mixer::channel&) override {}
};

// SAP sessions never heard: a subscription waits.
class fake_sessions : public server::session_directory {
 public:
  std::vector<std::string> source_lines() const override { return {}; }
  protocol::result<std::string> subscribe(std::shared_ptr<mixer::input_channel>,
                                          const std::string& session) override {
    return "waiting for " + session;
  }
};

// Everything the command core works with, made once.
struct rig {
  server::server_options options = fuzz_options();
  mixer::engine engine{options.engine};
  server::engine_thread clock{engine};  // never started: `stats` reads its counters
  server::event_bus events;
  asio::io_context io;
  asio::thread_pool disk{1};
  fake_audio audio;
  fake_rtp rtp;
  fake_rtp_inputs rtp_in;
  fake_sessions sap;
  sandbox folder;
};

rig& the_rig() {
  static rig r;
  return r;
}

// One command core, fresh, with raw ports and a scene store of its own (a core may register itself
// with its store, which must not outlive it then).
struct instance {
  explicit instance(rig& r)
      : store(r.io, asio::make_strand(r.disk), std::nullopt),
        core(r.engine, r.clock, {r.events, ports, r.rtp_in, r.rtp, r.sap, r.audio, store, {}}, r.options) {}
  fake_ports ports;
  server::scene_store store;  // no state file; save and load on the rig's disk thread
  server::command_core core;
};

// Runs `text` as scene file fuzz.mix through `core`, turning the io_context until it is answered.
std::optional<failure> run_script(rig& r, server::command_core& core, std::string text) {
  int answers = 0;
  std::optional<failure> outcome;
  server::run_scene_script(core, "fuzz.mix", std::move(text), 0, [&](std::optional<failure> error) {
    ++answers;
    outcome = std::move(error);
  });
  r.io.restart();
  r.io.run();
  check(answers == 1, answers == 0 ? "the scene file was never answered" : "the scene file was answered twice");
  if (outcome) check(outcome->text.rfind("fuzz.mix:", 0) == 0, "a failure that does not name its line", outcome->text);
  return outcome;
}

// What the script will ask of the disk: -1 when a save or load path leaves the folder, else
// whether it saves (so the folder is emptied after it).
int disk_use(std::string_view text) {
  protocol::line_reader reader(1 << 20);  // scene files take long lines
  reader.append(text);
  reader.append("\n");
  bool saves = false;
  while (auto line = reader.next()) {
    if (line->too_long) continue;
    auto words = protocol::split_words(line->text);
    if (!words) continue;
    auto command = protocol::parse_command(words.value());
    if (!command) continue;
    const std::string* path = nullptr;
    if (const auto* s = std::get_if<protocol::cmd::save>(&command.value())) {
      path = &s->path;
      saves = true;
    } else if (const auto* l = std::get_if<protocol::cmd::load>(&command.value())) {
      path = &l->path;
    }
    if (path && path->find('/') != std::string::npos) return -1;
  }
  return saves ? 1 : 0;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  server::set_log_level(server::log_level::error);
  the_rig();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(fuzz::as_text(data, size));
  const int disk = disk_use(text);
  if (disk < 0) return -1;
  rig& r = the_rig();

  r.folder.enter();
  std::string saved;
  {
    instance first(r);
    run_script(r, first.core, text);
    r.engine.process_block();  // the engine runs the plan the scene left
    first.core.housekeep();
    saved = first.core.scene();
  }
  // What `save` wrote must load (a --state file must restart the server), and be stable then.
  std::string resaved;
  {
    instance second(r);
    const auto error = run_script(r, second.core, saved);
    check(!error, "the saved scene does not load", error ? error->text + "\n" + saved : saved);
    resaved = second.core.scene();
  }
  {
    instance third(r);
    const auto error = run_script(r, third.core, resaved);
    check(!error, "the scene saved from a loaded scene does not load", error ? error->text : resaved);
    check(third.core.scene() == resaved, "save, load, save is not stable", resaved + "---\n" + third.core.scene());
  }
  r.engine.process_block();
  r.folder.leave();
  if (disk > 0) r.folder.reset();
  return 0;
}
