#pragma once

#include <utility>

#include "server/asio.hpp"

namespace mixmatrix::server {

/// Runs `job` on `worker` (a thread pool, or a strand on one, for disk and device calls that may
/// block), then `done(result)` on `io`'s thread. io.run() does not return while the job is under
/// way, so no completion is lost at shutdown.
template <class Executor, class Job, class Done>
void run_then(const Executor& worker, asio::io_context& io, Job job, Done done) {
  asio::post(worker, [guard = asio::make_work_guard(io), job = std::move(job), done = std::move(done)]() mutable {
    auto result = job();
    asio::post(guard.get_executor(), [done = std::move(done), result = std::move(result)]() mutable {
      done(std::move(result));
    });
  });
}

/// The worker threads of the server: disk and device calls, never the network or the engine.
using worker_pool = asio::thread_pool;
/// Jobs on it that must run one at a time, in order.
using worker_strand = asio::strand<worker_pool::executor_type>;

}  // namespace mixmatrix::server
