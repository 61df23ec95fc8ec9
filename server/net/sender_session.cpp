#include "server/net/sender_session.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "server/net/endpoint.hpp"
#include "server/log.hpp"

namespace mixmatrix::server {
namespace {
// The most frames of a converted read: 46 ms at 44.1 kHz, 16 KiB of f32 stereo.
constexpr std::size_t frames_per_read = 2048;

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

sender_session::sender_session(tcp::socket socket, std::shared_ptr<mixer::input_channel> input,
                               mixer::pcm_format wire, std::uint32_t wire_rate, std::uint32_t engine_rate,
                               std::string preamble, std::string leftover, event_bus& events)
    : socket_(std::move(socket)),
      input_(std::move(input)),
      events_(events),
      peer_(peer_name(socket_)),
      preamble_(std::move(preamble)),
      leftover_(std::move(leftover)) {
  if (wire_rate != engine_rate) converter_.emplace(wire_rate, engine_rate, frames_per_read);
  if (wire != mixer::backplane_pcm || converter_) assembler_.emplace(wire, frames_per_read);
}

sender_session::~sender_session() { stop(); }

void sender_session::start() {
  input_->attach_sender(peer_);
  log(log_level::info, "sender " + peer_ + " feeds " + input_->name());
  events_.publish("input " + input_->name() + " live (" + peer_ + ")");
  if (!preamble_.empty()) {
    asio::async_write(socket_, asio::buffer(preamble_), [self = shared_from_this()](const error_code& ec, std::size_t) {
      if (ec) self->stop();
    });
  }
  // Bytes that came with the handshake; the ring is empty and far larger than one packet.
  const auto leftover = std::as_bytes(std::span(leftover_));
  if (!assembler_) {
    input_->ring().write(leftover);
    input_->counters().bytes_in.fetch_add(leftover.size(), std::memory_order_relaxed);
    input_->note_arrival(leftover.size(), seconds_now());
  } else {
    for (std::size_t at = 0, n = 1; at < leftover.size() && n > 0; at += n) {
      const auto space = assembler_->space(wire_room_frames());
      n = std::min(space.size(), leftover.size() - at);
      std::memcpy(space.data(), leftover.data() + at, n);
      store(assembler_->commit(n));
    }
  }
  leftover_.clear();
  do_read();
}

void sender_session::pump() {
  if (stopped_ || !paused_) return;
  if (input_->ring().free_space() < input_->output().block_bytes()) return;
  paused_ = false;
  do_read();
}

void sender_session::stop() {
  if (stopped_) return;
  stopped_ = true;
  error_code ignored;
  socket_.close(ignored);
  if (converter_) store_converted(converter_->finish());  // the stream's last frames, whole
  input_->detach_sender();
  log(log_level::info, "sender " + peer_ + " left " + input_->name());
  events_.publish("input " + input_->name() + " idle");
}

std::size_t sender_session::wire_room_frames() const {
  const std::size_t ring_frames = input_->ring().free_space() / mixer::frame_bytes(mixer::backplane_pcm);
  return converter_ ? converter_->max_input(ring_frames) : ring_frames;
}

void sender_session::do_read() {
  // Straight into the ring; or as many wire bytes as the ring has room for once converted, so
  // that a read is never taken from the socket that the ring cannot hold.
  const auto region = assembler_ ? assembler_->space(wire_room_frames()) : input_->ring().writable();
  if (region.empty()) {
    paused_ = true;
    input_->counters().overruns.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  socket_.async_read_some(asio::buffer(region.data(), region.size()),
                          [self = shared_from_this()](const error_code& ec, std::size_t n) {
                            if (ec) {
                              self->stop();
                              return;
                            }
                            self->take(n);
                          });
}

void sender_session::take(std::size_t bytes) {
  if (stopped_) return;  // the input was removed while the read was in flight; its bytes are moot
  if (assembler_) {
    store(assembler_->commit(bytes));
  } else {
    input_->ring().commit(bytes);
    input_->counters().bytes_in.fetch_add(bytes, std::memory_order_relaxed);
    input_->note_arrival(bytes, seconds_now());
  }
  do_read();
}

void sender_session::store(std::span<const std::int16_t> frames) {
  store_converted(converter_ ? converter_->convert(frames) : frames);
}

void sender_session::store_converted(std::span<const std::int16_t> frames) {
  // Backplane bytes, whatever the wire's: the jitter buffer judges real-time streaming by them.
  const auto taken = input_->ring().write(std::as_bytes(frames));
  input_->counters().bytes_in.fetch_add(taken, std::memory_order_relaxed);
  input_->note_arrival(taken, seconds_now());
}

}  // namespace mixmatrix::server
