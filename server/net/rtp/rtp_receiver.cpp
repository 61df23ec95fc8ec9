#include "server/net/rtp/rtp_receiver.hpp"

#include "server/log.hpp"

namespace mixmatrix::server {
namespace {
// Silent this long, a stream has stopped: the input goes idle and what is held is played out.
constexpr auto idle_after = std::chrono::milliseconds(500);
constexpr auto idle_check = std::chrono::milliseconds(100);
// A group not heard for this long is joined again: an interface that went away and came back (a
// replugged or recreated link) has lost the kernel's membership.
constexpr auto rejoin_every = std::chrono::seconds(5);
// A timestamp this far from the stream's (2 s) is a new timeline, not a late or early packet.
constexpr double max_jump_seconds = 2.0;
// The most frames one packet may bring: 20 ms at 192 kHz.
constexpr std::size_t max_packet_frames = 3840;

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::size_t reorder_window(const mixer::input_channel& input, std::uint32_t rate) {
  // Half the input's latency: a packet later than that would find its frames' turn gone anyway.
  return std::max<std::size_t>(1, static_cast<std::size_t>(rate) * input.latency_ms() / 2000);
}

udp::endpoint bound_endpoint(const asio::ip::address& address, std::uint16_t port) {
  // A group is received on its port at any local address; a unicast address is bound as given.
  if (!address.is_multicast()) return {address, port};
  return {address.is_v4() ? asio::ip::address(asio::ip::address_v4::any())
                          : asio::ip::address(asio::ip::address_v6::any()),
          port};
}
}  // namespace

rtp_receiver::rtp_receiver(asio::io_context& io, std::shared_ptr<mixer::input_channel> input,
                           const protocol::rtp_source& source, std::uint32_t engine_rate,
                           datagram_batch& batch, event_bus& events)
    : socket_(io),
      timer_(io),
      input_(std::move(input)),
      source_(source),
      engine_rate_(engine_rate),
      batch_(batch),
      events_(events),
      reorder_(reorder_window(*input_, source.format ? source.format->rate : 44100),
               static_cast<std::size_t>(max_jump_seconds * (source.format ? source.format->rate : 44100))) {
  const auto address = asio::ip::make_address(source.address);
  const udp::endpoint endpoint = bound_endpoint(address, source.port);
  socket_.open(endpoint.protocol());
  socket_.set_option(udp::socket::reuse_address(true));
  socket_.bind(endpoint);
  if (address.is_multicast()) socket_.set_option(asio::ip::multicast::join_group(address));
  socket_.set_option(asio::socket_base::receive_buffer_size(1 << 20));
  socket_.non_blocking(true);
}

void rtp_receiver::start() {
  wait();
  arm();
}

void rtp_receiver::stop() {
  if (stopped_) return;
  stopped_ = true;
  error_code ignored;
  socket_.close(ignored);
  timer_.cancel();
  if (live_) go_idle();
}

std::string rtp_receiver::words(bool detailed) const {
  const auto n = [](std::uint64_t v) { return std::to_string(v); };
  std::string words = " rtp=" + protocol::format_rtp_address(source_.address, port());
  if (!detailed) return words;
  if (format_) {
    words += " rtp_format=" + std::string(protocol::rtp_encoding_name(format_->encoding)) + "," +
             n(format_->rate) + "," + n(format_->channels);
  }
  const auto& c = reorder_.counts();
  return words + " ssrc=" + n(reorder_.ssrc()) + " packets=" + n(c.packets) + " lost=" + n(c.lost) +
         " late=" + n(c.late) + " reordered=" + n(c.reordered) + " duplicates=" + n(c.duplicates) +
         " bad=" + n(bad_) + " busy=" + n(busy_);
}

void rtp_receiver::wait() {
  socket_.async_wait(udp::socket::wait_read, [self = shared_from_this()](const error_code& ec) {
    if (ec || self->stopped_) return;
    self->read_all();
    self->wait();
  });
}

void rtp_receiver::read_all() {
  // What is waiting, in batches: one system call for up to datagram_batch::capacity packets.
  for (std::size_t n = batch_.receive(socket_.native_handle()); n > 0 && !stopped_;
       n = n == datagram_batch::capacity ? batch_.receive(socket_.native_handle()) : 0) {
    for (std::size_t i = 0; i < n; ++i) {
      if (batch_.truncated(i)) {
        ++bad_;
        continue;
      }
      take(batch_.datagram(i), i);
    }
  }
}

void rtp_receiver::take(std::span<const std::byte> datagram, std::size_t index) {
  // Never trusted: anything that is not whole frames of the stream's payload is counted and dropped.
  const auto packet = protocol::parse_rtp(datagram);
  if (!packet) {
    ++bad_;
    return;
  }
  const auto format = protocol::payload_format_for(packet.value().header.payload_type, source_.format);
  if (!format || (format_ && *format != *format_)) {
    ++bad_;
    return;
  }
  const std::size_t frame_bytes = protocol::rtp_sample_bytes(format->encoding) * format->channels;
  const std::size_t frames = packet.value().payload.size() / frame_bytes;
  if (frames == 0 || frames > max_packet_frames || packet.value().payload.size() % frame_bytes != 0) {
    ++bad_;
    return;
  }
  if (!live_ && input_->has_sender()) {  // a TCP sender holds it: a ring has one writer
    ++busy_;
    return;
  }
  if (!format_) {
    format_ = format;
    if (format->rate != engine_rate_) converter_.emplace(format->rate, engine_rate_, max_packet_frames);
  }
  const std::uint32_t ssrc = packet.value().header.ssrc;
  if (live_ && ssrc != reorder_.ssrc()) {
    // Another sender, another clock: the input follows it afresh.
    released_.clear();
    reorder_.flush(released_);
    store(released_);
    input_->detach_sender();
    live_ = false;
  }
  if (!live_) go_live(batch_.sender(index));
  last_packet_ = std::chrono::steady_clock::now();
  const mixer::pcm_format wire{format->encoding == protocol::rtp_encoding::l16
                                   ? mixer::sample_encoding::s16be
                                   : mixer::sample_encoding::s24be,
                               format->channels};
  frames_.resize(2 * frames);
  mixer::decode_frames(wire, packet.value().payload, frames_, dither_);
  released_.clear();
  reorder_.push(packet.value().header, frames_, released_);
  store(released_);
  if (input_->media_offset_ms() && !released_.empty()) note_due(reorder_.next_timestamp(), format->rate);
}

void rtp_receiver::note_due(std::uint32_t timestamp, std::uint32_t rate) {
  // The media clock counts frames of the system clock since the epoch, modulo 2^32, and the
  // stream's timestamps run its SDP's a=mediaclk:direct=N ahead of it; read now against the
  // monotonic clock the engine keeps time by. The frames just written end where `timestamp` begins
  // (a converter's delay later, the same on every server).
  using std::chrono::nanoseconds;
  const auto system_ns =
      duration_cast<nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const auto steady_ns =
      duration_cast<nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  const auto now = protocol::media_clock_timestamp(system_ns, rate);
  const auto ahead = static_cast<std::int64_t>(
      static_cast<std::int32_t>(timestamp - source_.media_clock_offset - now));  // frames
  input_->note_due(steady_ns + ahead * 1'000'000'000 / rate);
}

void rtp_receiver::store(std::span<const std::int16_t> frames) {
  if (!converter_) {
    if (!frames.empty()) write(frames);
    return;
  }
  // A flush may release more than a packet: the converter takes at most a packet's frames a call.
  for (std::size_t at = 0; at < frames.size(); at += 2 * max_packet_frames) {
    write(converter_->convert(frames.subspan(at, std::min(frames.size() - at, 2 * max_packet_frames))));
  }
}

void rtp_receiver::write(std::span<const std::int16_t> frames) {
  const auto bytes = std::as_bytes(frames);
  // UDP has no back-pressure: what the ring cannot take is lost, and counted as an overrun.
  const auto taken = input_->ring().write(bytes);
  if (taken < bytes.size()) input_->counters().overruns.fetch_add(1, std::memory_order_relaxed);
  input_->counters().bytes_in.fetch_add(taken, std::memory_order_relaxed);
  input_->note_arrival(taken, seconds_now());
}

void rtp_receiver::arm() {
  timer_.expires_after(idle_check);
  timer_.async_wait([self = shared_from_this()](const error_code& ec) {
    if (ec || self->stopped_) return;
    const auto now = std::chrono::steady_clock::now();
    if (self->live_ && now - self->last_packet_ > idle_after) self->go_idle();
    if (!self->live_ && now - self->last_join_ > rejoin_every) self->rejoin(now);
    self->arm();
  });
}

void rtp_receiver::rejoin(std::chrono::steady_clock::time_point now) {
  last_join_ = now;
  const auto address = asio::ip::make_address(source_.address);
  if (!address.is_multicast()) return;
  error_code ignored;
  socket_.set_option(asio::ip::multicast::leave_group(address), ignored);
  socket_.set_option(asio::ip::multicast::join_group(address), ignored);
}

void rtp_receiver::go_live(const std::string& from) {
  live_ = true;
  sender_ = from;
  input_->attach_sender(from);
  log(log_level::info, "rtp " + from + " feeds " + input_->name());
  events_.publish("input " + input_->name() + " live (rtp " + from + ")");
}

void rtp_receiver::go_idle() {
  live_ = false;
  released_.clear();
  reorder_.flush(released_);
  store(released_);
  if (converter_) write(converter_->finish());
  // The next packet sets the stream up anew: another sender may send another format.
  converter_.reset();
  format_.reset();
  input_->detach_sender();
  log(log_level::info, "rtp " + sender_ + " left " + input_->name());
  events_.publish("input " + input_->name() + " idle");
}

}  // namespace mixmatrix::server
