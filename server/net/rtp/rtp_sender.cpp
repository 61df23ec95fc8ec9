#include "server/net/rtp/rtp_sender.hpp"

#include "mixer/pcm_format.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <utility>

#include "server/log.hpp"

namespace mixmatrix::server {
namespace {

// A schedule this far behind (the process was stopped, the machine stalled) starts again from
// now instead of sending the backlog in a burst.
constexpr std::chrono::milliseconds resync_after{100};
// While the cushion is short, the next look at the channel.
constexpr std::chrono::microseconds poll{500};

udp::socket connected_socket(asio::io_context& io, const protocol::rtp_target& target) {
  const udp::endpoint to(asio::ip::make_address(target.address), target.port);
  udp::socket socket(io, to.protocol());
  if (to.address().is_multicast()) {
    socket.set_option(asio::ip::multicast::hops(static_cast<int>(target.ttl)));
    socket.set_option(asio::ip::multicast::enable_loopback(true));
  }
  socket.connect(to);  // the kernel picks the source address, which the SDP's origin names
  socket.non_blocking(true);
  return socket;
}

}  // namespace

rtp_sender::rtp_sender(asio::io_context& io, std::shared_ptr<mixer::channel> ch,
                       const protocol::rtp_target& target, std::uint32_t rate, std::string reference_clock)
    : timer_(io),
      socket_(connected_socket(io, target)),
      channel_(std::move(ch)),
      cursor_(channel_->output()),
      target_(target),
      rate_(rate),
      reference_clock_(std::move(reference_clock)),
      packet_frames_(static_cast<std::size_t>(std::lround(rate * protocol::ptime_of(target, rate) / 1000.0))),
      interval_(static_cast<double>(packet_frames_) / rate),
      block_(channel_->output().block_samples()),
      packet_(protocol::rtp_header_bytes + packet_frames_ * 2 * protocol::rtp_sample_bytes(target.encoding)) {
  std::random_device random;
  header_.payload_type = protocol::payload_type_of(target, rate);
  header_.sequence = static_cast<std::uint16_t>(random());
  header_.ssrc = random();
  header_.marker = true;
  session_id_ = (static_cast<std::uint64_t>(random()) << 20) ^ random();
  header_.timestamp = random();  // AES67's is set from the media clock when sending starts
  pending_.reserve(8 * block_.size());
}

void rtp_sender::start() {
  log(log_level::info, "rtp " + channel_->name() + " to " + protocol::format_rtp_target(target_));
  arm(std::chrono::steady_clock::now());
}

void rtp_sender::stop() {
  if (stopped_) return;
  stopped_ = true;
  timer_.cancel();
  error_code ignored;
  socket_.close(ignored);
}

protocol::sdp_stream rtp_sender::description() const {
  error_code ec;
  const auto local = socket_.local_endpoint(ec);
  protocol::sdp_stream s;
  s.session_name = channel_->name();
  s.origin_address = ec ? target_.address : local.address().to_string();
  s.session_id = session_id_;
  s.session_version = session_id_;
  s.address = target_.address;
  s.ttl = target_.ttl;
  s.port = target_.port;
  s.payload_type = header_.payload_type;
  s.encoding = target_.encoding;
  s.rate = rate_;
  s.channels = 2;
  s.ptime_ms = protocol::ptime_of(target_, rate_);
  s.aes67 = protocol::aes67_profile(target_, rate_);
  s.reference_clock = reference_clock_;
  return s;
}

void rtp_sender::arm(std::chrono::steady_clock::time_point when) {
  timer_.expires_at(when);
  timer_.async_wait([self = shared_from_this()](const error_code& ec) {
    if (ec || self->stopped_) return;
    const auto now = std::chrono::steady_clock::now();
    self->take_blocks();
    self->send_due(now);
  });
}

void rtp_sender::take_blocks() {
  if (pending_at_ > 0) {  // what was sent leaves; the rest moves to the front
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(pending_at_));
    pending_at_ = 0;
  }
  while (cursor_.read(std::as_writable_bytes(std::span(block_)))) {
    if (pending_.size() + block_.size() > pending_.capacity()) {
      // Far more than the cushion: the engine ran ahead of a stalled schedule; the oldest goes.
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(block_.size()));
    }
    pending_.insert(pending_.end(), block_.begin(), block_.end());
  }
}

void rtp_sender::send_due(std::chrono::steady_clock::time_point now) {
  const std::size_t packet_samples = 2 * packet_frames_;
  const auto deadline = [&](std::uint64_t k) {
    return start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval_ * static_cast<double>(k));
  };
  if (!started_) {
    // The cushion: a block beyond the first packet, so the engine's jitter never starves a deadline.
    if (pending_.size() < block_.size() + packet_samples) return arm(now + poll);
    started_ = true;
    start_ = now;
    due_ = 0;
    if (protocol::aes67_profile(target_, rate_)) {
      // mediaclk:direct=0: a frame's timestamp is the reference clock's (ours: the system clock)
      // when the engine made it; the newest frame waiting was made about now. So every sender of
      // every server stamps the same audio alike, and receivers can play it at its time.
      const auto system_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
      header_.timestamp = protocol::media_clock_timestamp(system_ns, rate_) -
                          static_cast<std::uint32_t>((pending_.size() - pending_at_) / 2);
    }
  }
  if (now - deadline(due_) > resync_after) {
    start_ = now;
    due_ = 0;
  }
  while (deadline(due_) <= now && pending_.size() - pending_at_ >= packet_samples) {
    send_packet();
    ++due_;
  }
  // Short of a packet at its deadline (the engine is late): look again soon, keeping the schedule.
  arm(deadline(due_) <= now ? now + poll : deadline(due_));
}

void rtp_sender::send_packet() {
  protocol::write_rtp_header(header_, std::span(packet_).first<protocol::rtp_header_bytes>());
  const std::size_t samples = 2 * packet_frames_;
  const mixer::pcm_format wire{target_.encoding == protocol::rtp_encoding::l16
                                   ? mixer::sample_encoding::s16be
                                   : mixer::sample_encoding::s24be,
                               2};
  mixer::encode_frames(wire, std::span(pending_).subspan(pending_at_, samples),
                       std::span(packet_).subspan(protocol::rtp_header_bytes));
  pending_at_ += samples;
  error_code ec;
  socket_.send(asio::buffer(packet_), 0, ec);
  if (ec) {
    ++send_errors_;
  } else {
    ++packets_;
  }
  header_.marker = false;
  ++header_.sequence;
  header_.timestamp += static_cast<std::uint32_t>(packet_frames_);
}

}  // namespace mixmatrix::server
