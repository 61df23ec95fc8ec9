#include "server/listener_session.hpp"

#include "server/endpoint.hpp"
#include "server/log.hpp"

namespace mixmatrix::server {
namespace {
constexpr std::uint64_t max_blocks_per_write = 16;
}

listener_session::listener_session(tcp::socket socket, std::shared_ptr<mixer::channel> ch, std::string preamble,
                                   std::chrono::milliseconds stall_timeout, event_bus& events)
    : socket_(std::move(socket)),
      channel_(std::move(ch)),
      events_(events),
      peer_(peer_name(socket_)),
      buffer_(std::move(preamble)),
      stall_timeout_(stall_timeout) {
  channel_->counters().listeners.fetch_add(1, std::memory_order_relaxed);
}

listener_session::~listener_session() {
  channel_->counters().listeners.fetch_sub(1, std::memory_order_relaxed);
}

void listener_session::start() {
  error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  // A small kernel buffer keeps a stalled reader visible to us (and its audio fresh) instead of
  // hiding seconds of backlog in the socket.
  socket_.set_option(asio::socket_base::send_buffer_size(64 * 1024), ignored);
  next_block_ = channel_->output().published();
  log(log_level::info, "listener " + peer_ + " on " + channel_->name());
  events_.publish("listener " + peer_ + " on " + channel_->name());
  do_watch_close();
  do_write();
}

void listener_session::pump() {
  if (stopped_) return;
  if (writing_) {
    if (std::chrono::steady_clock::now() - write_started_ > stall_timeout_) {
      log(log_level::warn, "listener " + peer_ + " on " + channel_->name() + " stopped reading; disconnected");
      stop();
    }
    return;
  }
  do_write();
}

void listener_session::stop() {
  if (stopped_) return;
  stopped_ = true;
  error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  log(log_level::info, "listener " + peer_ + " left " + channel_->name() +
                           (drops_ ? " (" + std::to_string(drops_) + " blocks dropped)" : ""));
  events_.publish("listener " + peer_ + " left " + channel_->name());
}

void listener_session::do_write() {
  auto& output = channel_->output();
  const std::uint64_t published = output.published();
  // Keep at most half the history in reserve so the writer cannot lap a block while we copy it.
  const std::uint64_t keep = output.depth() / 2;
  if (published - next_block_ > keep) {
    const std::uint64_t lost = published - keep - next_block_;
    drops_ += lost;
    channel_->counters().dropped_blocks.fetch_add(lost, std::memory_order_relaxed);
    next_block_ = published - keep;
  }
  const std::uint64_t blocks = std::min(published - next_block_, max_blocks_per_write);
  const std::size_t bytes = output.block_bytes();
  const std::size_t preamble = buffer_.size();
  buffer_.resize(preamble + blocks * bytes);
  std::size_t filled = preamble;
  for (std::uint64_t i = 0; i < blocks; ++i, ++next_block_) {
    auto* at = reinterpret_cast<std::byte*>(buffer_.data() + filled);
    if (output.copy(next_block_, {at, bytes})) {
      filled += bytes;
    } else {
      ++drops_;
      channel_->counters().dropped_blocks.fetch_add(1, std::memory_order_relaxed);
    }
  }
  buffer_.resize(filled);
  if (buffer_.empty()) return;
  writing_ = true;
  write_started_ = std::chrono::steady_clock::now();
  asio::async_write(socket_, asio::buffer(buffer_), [self = shared_from_this()](const error_code& ec, std::size_t) {
    self->writing_ = false;
    self->buffer_.clear();
    if (ec) {
      self->stop();
      return;
    }
    if (!self->stopped_) self->do_write();
  });
}

void listener_session::do_watch_close() {
  // A listener sends nothing; reading only tells us when it goes away.
  socket_.async_read_some(asio::buffer(discard_), [self = shared_from_this()](const error_code& ec, std::size_t) {
    if (ec) {
      self->stop();
      return;
    }
    self->do_watch_close();
  });
}

}  // namespace mixmatrix::server
