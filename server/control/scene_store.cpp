#include "server/control/scene_store.hpp"

#include "server/control/scene_file.hpp"
#include "server/log.hpp"

namespace mixmatrix::server {

scene_store::scene_store(asio::io_context& io, worker_strand disk, std::optional<std::string> state_file)
    : io_(io), disk_(std::move(disk)), state_file_(std::move(state_file)) {}

void scene_store::persist(std::string text, written_handler done) {
  if (!state_file_) {
    if (done) done(std::nullopt);
    return;
  }
  batch b{std::move(text), {}};
  if (done) b.waiting.push_back(std::move(done));
  if (!writing_) return write_state(std::move(b));
  if (next_) {
    for (auto& w : next_->waiting) b.waiting.push_back(std::move(w));
  }
  next_ = std::move(b);
}

void scene_store::write_state(batch b) {
  writing_ = true;
  run_then(
      disk_, io_, [path = *state_file_, text = std::move(b.text)] { return write_atomically(path, text); },
      [this, waiting = std::move(b.waiting)](std::optional<std::string> error) {
        writing_ = false;
        if (error) log(log_level::error, "state file not updated: " + *error);
        for (const auto& w : waiting) w(error);
        if (!next_) return;
        batch newest = std::move(*next_);
        next_.reset();
        write_state(std::move(newest));
      });
}

void scene_store::save(std::string path, std::string text, std::function<void(std::optional<std::string>)> done) {
  run_then(disk_, io_, [path = std::move(path), text = std::move(text)] { return write_atomically(path, text); },
           std::move(done));
}

void scene_store::read(std::string path, std::function<void(protocol::result<std::string>)> done) {
  run_then(disk_, io_, [path = std::move(path)] { return read_text(path); }, std::move(done));
}

}  // namespace mixmatrix::server
