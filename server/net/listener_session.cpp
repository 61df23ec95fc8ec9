#include "server/net/listener_session.hpp"

#include <span>

#include "server/net/endpoint.hpp"
#include "server/log.hpp"

namespace mixmatrix::server {
namespace {
constexpr std::uint64_t max_blocks_per_write = 16;
}

listener_session::listener_session(tcp::socket socket, std::shared_ptr<mixer::channel> ch, mixer::pcm_format wire,
                                   std::uint32_t wire_rate, std::uint32_t engine_rate, std::string preamble,
                                   std::chrono::milliseconds stall_timeout, event_bus& events)
    : socket_(std::move(socket)),
      channel_(std::move(ch)),
      events_(events),
      peer_(peer_name(socket_)),
      wire_(wire),
      buffer_(std::move(preamble)),
      stall_timeout_(stall_timeout),
      cursor_(channel_->output()) {
  channel_->counters().listeners.fetch_add(1, std::memory_order_relaxed);
  if (wire_rate != engine_rate) converter_.emplace(engine_rate, wire_rate, channel_->output().block_samples() / 2);
  if (wire_ != mixer::backplane_pcm || converter_) block_.resize(channel_->output().block_samples());
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
                           (cursor_.lost() ? " (" + std::to_string(cursor_.lost()) + " blocks dropped)" : ""));
  events_.publish("listener " + peer_ + " left " + channel_->name());
}

void listener_session::do_write() {
  const std::size_t block_frames = channel_->output().block_samples() / 2;
  const std::size_t wire_frame = mixer::frame_bytes(wire_);
  const std::size_t most_bytes = (converter_ ? converter_->max_output(block_frames) : block_frames) * wire_frame;
  const std::uint64_t lost_before = cursor_.lost();
  // Sized for what is there (a lagging reader skips ahead, so at most half the history), not for
  // the most a write may take: resizing zero-fills.
  const std::uint64_t blocks = std::min(cursor_.behind(), max_blocks_per_write);
  std::size_t filled = buffer_.size();  // after the handshake preamble, the first time
  buffer_.resize(filled + blocks * most_bytes);
  for (std::uint64_t i = 0; i < blocks; ++i) {
    auto out = std::span(reinterpret_cast<std::byte*>(buffer_.data() + filled), most_bytes);
    // Blocks are published in s16 stereo at the engine's rate: copied as they are, or through
    // block_ into the wire's format and rate.
    if (!cursor_.read(block_.empty() ? out : std::as_writable_bytes(std::span(block_)))) break;
    if (block_.empty()) {
      filled += most_bytes;
      continue;
    }
    const std::span<const std::int16_t> frames = converter_ ? converter_->convert(block_) : std::span(block_);
    mixer::encode_frames(wire_, frames, out.first(frames.size() / 2 * wire_frame));
    filled += frames.size() / 2 * wire_frame;
  }
  if (const std::uint64_t lost = cursor_.lost() - lost_before) {
    channel_->counters().dropped_blocks.fetch_add(lost, std::memory_order_relaxed);
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
