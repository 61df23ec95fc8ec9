#include "server/control/scene_store.hpp"

#include <utility>

#include "server/control/scene_file.hpp"
#include "server/log.hpp"

namespace mixmatrix::server {

scene_store::scene_store(asio::io_context& io, worker_strand disk, std::optional<std::string> state_file)
    : io_(io), disk_(std::move(disk)), state_file_(std::move(state_file)) {}

std::shared_ptr<save_ticket> scene_store::persist() {
  if (!state_file_ || !scene_) {
    auto settled = std::make_shared<save_ticket>();
    settled->settle(std::nullopt);
    return settled;
  }
  if (writing_) {
    if (!next_) next_ = std::make_shared<save_ticket>();
    return next_;
  }
  auto ticket = std::make_shared<save_ticket>();
  write_state(ticket);
  return ticket;
}

void scene_store::write_state(std::shared_ptr<save_ticket> ticket) {
  writing_ = true;
  // The text is taken when the write starts, so a burst of changes costs one rendering, not one each.
  run_then(
      disk_, io_, [path = *state_file_, text = scene_()] { return write_atomically(path, text); },
      [this, ticket = std::move(ticket)](std::optional<std::string> error) {
        writing_ = false;
        if (error) log(log_level::error, "state file not updated: " + *error);
        ticket->settle(std::move(error));
        if (next_) write_state(std::exchange(next_, nullptr));
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
