#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "protocol/failure.hpp"
#include "server/asio.hpp"
#include "server/control/save_ticket.hpp"
#include "server/worker.hpp"

namespace mixmatrix::server {

/// The scene on disk: the --state file kept current, `save` and `load` files. Every file is read
/// and written on a worker strand, so the network thread never waits for the disk; completions
/// come back on the network thread. Network thread only.
class scene_store {
 public:
  /// Files are written on `disk`; completions are posted to `io`; `state_file` may be absent.
  scene_store(asio::io_context& io, worker_strand disk, std::optional<std::string> state_file);

  /// Where the scene's text comes from when a write of the state file starts.
  void set_scene(std::function<std::string()> scene) { scene_ = std::move(scene); }
  /// The --state file, if there is one.
  const std::optional<std::string>& state_file() const { return state_file_; }
  /// The scene has changed: the state file is rewritten (atomically; a failure is also logged)
  /// and the ticket settles once a write that holds this change has ended. Changes that come
  /// while a write runs share the next write (group commit). Without a state file the ticket is
  /// settled already.
  std::shared_ptr<save_ticket> persist();
  /// Writes `text` to `path` atomically; `done` gets why it failed, if it did.
  void save(std::string path, std::string text, std::function<void(std::optional<std::string>)> done);
  /// Reads the whole of `path`; `done` gets its text or a 404 failure.
  void read(std::string path, std::function<void(protocol::result<std::string>)> done);

 private:
  void write_state(std::shared_ptr<save_ticket> ticket);

  asio::io_context& io_;
  worker_strand disk_;
  std::optional<std::string> state_file_;
  std::function<std::string()> scene_;
  bool writing_ = false;
  std::shared_ptr<save_ticket> next_;  // the changes that came while a write ran
};

}  // namespace mixmatrix::server
