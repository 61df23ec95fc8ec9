#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "protocol/failure.hpp"
#include "server/asio.hpp"
#include "server/worker.hpp"

namespace mixmatrix::server {

/// The scene on disk: the --state file kept current, `save` and `load` files. Every file is read
/// and written on a worker strand, so the network thread never waits for the disk; completions
/// come back on the network thread. Network thread only.
class scene_store {
 public:
  /// Files are written on `disk`; completions are posted to `io`; `state_file` may be absent.
  scene_store(asio::io_context& io, worker_strand disk, std::optional<std::string> state_file);

  /// The --state file, if there is one.
  const std::optional<std::string>& state_file() const { return state_file_; }
  /// Receives nullopt once a write is durable, else why it failed.
  using written_handler = std::function<void(std::optional<std::string>)>;

  /// Rewrites the state file with `text` (atomically; a failure is also logged), then calls `done`
  /// (if given) once that text, or a newer one, is on disk. Scenes that come while a write runs
  /// are coalesced into the next write (group commit). Without a state file, `done` runs at once.
  void persist(std::string text, written_handler done = {});
  /// Writes `text` to `path` atomically; `done` gets why it failed, if it did.
  void save(std::string path, std::string text, std::function<void(std::optional<std::string>)> done);
  /// Reads the whole of `path`; `done` gets its text or a 404 failure.
  void read(std::string path, std::function<void(protocol::result<std::string>)> done);

 private:
  // The scene of one write, and everyone waiting for it to be durable.
  struct batch {
    std::string text;
    std::vector<written_handler> waiting;
  };
  void write_state(batch b);

  asio::io_context& io_;
  worker_strand disk_;
  std::optional<std::string> state_file_;
  bool writing_ = false;
  std::optional<batch> next_;  // the newest scene that came while a write ran
};

}  // namespace mixmatrix::server
