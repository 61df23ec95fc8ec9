#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "server/asio.hpp"

namespace mixmatrix::server {

/// A thread for sound-device calls that can block for a long time (PortAudio probing, opening and
/// draining devices): the network thread hands it jobs and gets their results back as handlers
/// on the io_context, so audio keeps flowing meanwhile. Jobs run one at a time, in order.
class device_thread {
 public:
  /// Posts completions to `io`.
  explicit device_thread(asio::io_context& io);
  device_thread(const device_thread&) = delete;
  device_thread& operator=(const device_thread&) = delete;
  /// Runs the jobs already queued, then stops.
  ~device_thread();

  /// Runs `job` on the device thread, then `done(result)` on the network thread.
  template <class Job, class Done>
  void run(Job job, Done done) {
    auto shared_done = std::make_shared<Done>(std::move(done));
    enqueue([this, job = std::move(job), shared_done]() mutable {
      auto result = std::make_shared<decltype(job())>(job());
      asio::post(io_, [shared_done, result] { (*shared_done)(std::move(*result)); });
    });
  }
  /// Runs `job` on the device thread; nothing comes back.
  void run(std::function<void()> job) { enqueue(std::move(job)); }

 private:
  void enqueue(std::function<void()> job);
  void work();

  asio::io_context& io_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace mixmatrix::server
