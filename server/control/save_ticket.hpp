#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mixmatrix::server {

/// The promise that the state file will hold a change: settled when the write that holds it has
/// ended, durable (nullopt) or not (why). Network thread only.
class save_ticket {
 public:
  /// Receives the outcome of the write.
  using handler = std::function<void(const std::optional<std::string>& error)>;

  /// Calls `h` once the write has ended (at once if it has).
  void then(handler h) {
    if (settled_) return h(error_);
    waiting_.push_back(std::move(h));
  }
  /// The write has ended; everyone waiting hears how.
  void settle(std::optional<std::string> error) {
    settled_ = true;
    error_ = std::move(error);
    for (auto& h : std::exchange(waiting_, {})) h(error_);
  }

 private:
  bool settled_ = false;
  std::optional<std::string> error_;
  std::vector<handler> waiting_;
};

}  // namespace mixmatrix::server
