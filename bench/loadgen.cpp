// loadgen: the load of a busy broadcast centre on one thread. N senders stream a tone each (a
// different frequency per sender) in 10 ms chunks (--chunk-ms) on absolute deadlines; M listeners
// read mixes. Every
// K-th sender puts a full-scale impulse in its stream every --impulse-ms; listener j times the
// impulses of sender j*K, so each listener measures its own end-to-end latency. Prints one summary
// line of key=value pairs (and one per listener with --verbose). Latency is from the send() of the
// chunk that starts with an impulse to the recv() that brings it back. Figures, not asserts.
//
//   loadgen --senders N (--send HOST:PORT:PREFIX | --raw HOST:BASEPORT | --rtp HOST:BASEPORT)
//           --listeners M (--listen HOST:PORT:PREFIX | --listen-raw HOST:PORT)
//           [--seconds S] [--warmup S] [--chunk-ms MS] [--impulse-ms MS] [--impulse-every K] [--verbose]
//           [--no-impulses] [--ppm P [--ppm-every K]] [--mix-of K [--breaks FILE]] [--churn-ms MS]
//
// --rtp: sender i sends RTP (L16, payload type 10, one packet of --chunk-ms a tick) over UDP to
// port BASEPORT+i, every sender's packets of a tick in a few sendmmsg(2) calls from one socket, as a
// gateway feeding a matrix would.
//
// For bench/soak:
// - --ppm P: every --ppm-every-th sender (default 8; senders K-1, 2K-1, ...) runs on a clock that is off
//   by P ppm, alternately fast and slow: it sends RATE * (1 +- P/1e6) frames a second.
// - --mix-of K: listener j hears a mix of senders K*j .. K*j+K-1, and sender i's tone is at
//   300 + 1000 * (i % K) Hz, so the K tones of a mix make whole cycles in every 10 ms (441 frames).
//   Each listener takes every tone's DFT bin over consecutive 10 ms windows; a tone that is continuous
//   has the same complex value in every window (same phase, same level). A break is a phase step over
//   0.3 rad, a level step beyond 0.7x..1.43x, or the tone vanishing (under 10% of its level) or coming
//   back; flagged windows less than 100 ms apart are one break. Breaks are classed: churn (the tone's
//   sender was disconnected by --churn-ms in the 2 s before), drift (its sender has a --ppm clock:
//   the server skips or runs dry for it by design) or steady (everything else: a real discontinuity).
//   Only breaks after the warm-up are counted; --breaks FILE lists every break, with the time (since
//   the start, and the wall clock's).
// - --churn-ms MS: every MS one listener and one sender (round robin) are disconnected by loadgen and
//   reconnect 200 ms later; a churned listener starts its checks afresh. Connections the server closes
//   are counted (listener_closes, sender_closes; a SEND answered ERR, such as busy, is a
//   sender_refusal instead) and reconnected.
// - SIGINT or SIGTERM ends the run early and still prints the summary.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <complex>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <numbers>
#include <numeric>
#include <span>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;
constexpr int rate = 44100;
constexpr std::int16_t impulse = 30000;
constexpr std::int16_t impulse_threshold = 16000;  // eight tones of 300 stay far below it
constexpr std::int16_t tone_peak = 300;
// The tone check (--mix-of): 10 ms windows, in which every tone on the 100 Hz grid makes whole cycles.
constexpr std::size_t check_window = rate / 100;
constexpr double break_phase_rad = 0.3;
constexpr double break_level_ratio = 0.7;
constexpr double silent_fraction = 0.1;
constexpr auto merge_breaks = std::chrono::milliseconds(100);
constexpr auto churn_reconnect_delay = std::chrono::milliseconds(200);
constexpr auto churn_shadow = std::chrono::seconds(2);
constexpr auto retry_delay = std::chrono::milliseconds(50);

volatile std::sig_atomic_t stop_requested = 0;
void request_stop(int) { stop_requested = 1; }

int checked_tone_hz(std::size_t position) { return 300 + 1000 * static_cast<int>(position); }

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(
      stderr,
      "loadgen: %s\nusage: loadgen --senders N (--send HOST:PORT:PREFIX | --raw HOST:BASEPORT |\n"
      "                           --rtp HOST:BASEPORT)\n"
      "               --listeners M (--listen HOST:PORT:PREFIX | --listen-raw HOST:PORT)\n"
      "               [--seconds S] [--warmup S] [--chunk-ms MS] [--impulse-ms MS] [--impulse-every K]\n"
      "               [--verbose] [--no-impulses] [--ppm P [--ppm-every K]] [--mix-of K [--breaks FILE]]\n"
      "               [--churn-ms MS]   (see the comment at the top of bench/loadgen.cpp)\n",
      why.c_str());
  std::exit(2);
}

struct target {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string prefix;  // empty: raw, headerless
};

target parse_target(const std::string& text, bool with_prefix) {
  target t;
  const auto first = text.find(':');
  const auto second = with_prefix ? text.find(':', first + 1) : std::string::npos;
  if (first == std::string::npos || (with_prefix && second == std::string::npos)) usage("bad address " + text);
  t.host = text.substr(0, first);
  t.port = static_cast<std::uint16_t>(std::stoi(text.substr(first + 1, second - first - 1)));
  if (with_prefix) t.prefix = text.substr(second + 1);
  return t;
}

double seconds_between(clock_type::time_point a, clock_type::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

int start_connect(const std::string& host, std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  ::inet_pton(AF_INET, host.c_str(), &address.sin_addr);
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// One second of a sine at an integral frequency: it loops seamlessly.
std::vector<std::int16_t> tone_second(int hz) {
  std::vector<std::int16_t> pcm(static_cast<std::size_t>(rate) * 2);
  for (std::size_t f = 0; f < rate; ++f) {
    const double v = tone_peak * std::sin(2 * std::numbers::pi * hz * static_cast<double>(f) / rate);
    pcm[2 * f] = pcm[2 * f + 1] = static_cast<std::int16_t>(std::lround(v));
  }
  return pcm;
}

struct sender {
  std::string handshake;
  std::uint16_t port = 0;
  int fd = -1;
  bool connected = false;
  bool impulses = false;
  int hz = 0;
  int ppm = 0;  // its clock's error
  std::vector<std::int16_t> tone;
  std::uint64_t ticks = 0;  // timer ticks since it connected
  std::uint64_t due = 0;    // frames that should have been sent by now
  std::uint64_t sent_bytes = 0;
  std::uint64_t stalls = 0;  // ticks on which the server did not take everything
  std::vector<clock_type::time_point> impulse_times;
  clock_type::time_point reconnect_at{};  // not before then
  clock_type::time_point churned_at{};
  bool churned = false;
  bool refused = false;  // the server answered its SEND with ERR
  sockaddr_in rtp_to{};  // --rtp: where its datagrams go
  std::uint16_t rtp_sequence = 0;
};

// The RTP senders' packets of one tick, sent with sendmmsg(2) from one UDP socket in batches.
class rtp_batch {
 public:
  static constexpr std::size_t capacity = 64;
  static constexpr std::size_t header_bytes = 12;

  explicit rtp_batch(std::size_t packet_frames)
      : packet_bytes_(header_bytes + packet_frames * 4),
        fd_(::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)),
        space_(capacity * packet_bytes_) {
    const int bytes = 4 << 20;  // a tick of a thousand senders' packets fits
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
  }

  // The next packet's bytes for `to`, of `frames` (at most a chunk's), header and payload to be
  // written; a full batch is sent first.
  std::span<char> next(const sockaddr_in& to, std::size_t frames) {
    if (count_ == capacity) flush();
    const std::size_t bytes = header_bytes + frames * 4;
    iov_[count_] = {space_.data() + count_ * packet_bytes_, bytes};
    messages_[count_] = {};
    messages_[count_].msg_hdr.msg_iov = &iov_[count_];
    messages_[count_].msg_hdr.msg_iovlen = 1;
    messages_[count_].msg_hdr.msg_name = const_cast<sockaddr_in*>(&to);
    messages_[count_].msg_hdr.msg_namelen = sizeof to;
    return {space_.data() + count_++ * packet_bytes_, bytes};
  }

  // Sends what is gathered; a datagram the kernel would not take is dropped and counted.
  void flush() {
    std::size_t at = 0;
    while (at < count_) {
      const int sent = ::sendmmsg(fd_, messages_.data() + at, static_cast<unsigned>(count_ - at), 0);
      if (sent <= 0) {
        if (sent < 0 && errno == EINTR) continue;
        ++dropped;  // EAGAIN or a refusal (ECONNREFUSED from an earlier datagram): skip one
        ++at;
        continue;
      }
      at += static_cast<std::size_t>(sent);
      ++calls;
    }
    count_ = 0;
  }

  std::uint64_t dropped = 0;  // datagrams the kernel refused
  std::uint64_t calls = 0;    // sendmmsg calls that sent some

 private:
  std::size_t packet_bytes_;
  int fd_;
  std::vector<char> space_;
  std::size_t count_ = 0;
  std::array<iovec, capacity> iov_{};
  std::array<mmsghdr, capacity> messages_{};
};

void put_be16(char* at, std::uint16_t v) {
  at[0] = static_cast<char>(v >> 8);
  at[1] = static_cast<char>(v);
}
void put_be32(char* at, std::uint32_t v) {
  put_be16(at, static_cast<std::uint16_t>(v >> 16));
  put_be16(at + 2, static_cast<std::uint16_t>(v));
}

// One tone of a listener's mix, window after window (--mix-of).
struct tone_track {
  std::complex<double> previous;
  bool have_previous = false;
  bool flagged = false;
  clock_type::time_point last_flag{};
};

struct listener {
  std::string handshake;
  std::uint16_t port = 0;
  int fd = -1;
  bool connected = false;
  bool header_done = false;
  std::size_t source = 0;  // the sender whose impulses it times
  std::uint64_t frame_bytes = 0;  // PCM bytes seen (for frame alignment)
  std::uint64_t measured_bytes = 0;
  std::uint64_t quiet_until = 0;  // frame index before which no new impulse is looked for
  clock_type::time_point last_arrival{};
  double longest_gap_ms = 0;
  std::vector<double> latencies_ms;
  std::string partial;  // an incomplete sample or header between reads
  clock_type::time_point reconnect_at{};
  std::vector<std::complex<double>> sums;  // this window's DFT bin of each tone of its mix
  std::vector<tone_track> tones;
  std::size_t window_fill = 0;
  std::uint64_t breaks = 0;  // steady breaks after the warm-up
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t sender_count = 0;
  std::size_t listener_count = 0;
  target send_to;
  target listen_to;
  bool have_send = false;
  bool rtp = false;
  bool have_listen = false;
  double seconds = 10;
  double warmup = 2;
  int chunk_ms = 10;
  int impulse_ms = 250;
  std::size_t impulse_every = 8;
  bool verbose = false;
  bool no_impulses = false;
  int ppm = 0;
  std::size_t ppm_every = 8;
  std::size_t mix_of = 0;
  std::string breaks_path;
  int churn_ms = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(a + " needs a value");
      return argv[++i];
    };
    if (a == "--senders") sender_count = std::stoul(value());
    else if (a == "--listeners") listener_count = std::stoul(value());
    else if (a == "--send") send_to = parse_target(value(), true), have_send = true;
    else if (a == "--raw") send_to = parse_target(value(), false), have_send = true;
    else if (a == "--rtp")
      send_to = parse_target(value(), false), have_send = true, rtp = true;
    else if (a == "--listen") listen_to = parse_target(value(), true), have_listen = true;
    else if (a == "--listen-raw") listen_to = parse_target(value(), false), have_listen = true;
    else if (a == "--seconds") seconds = std::stod(value());
    else if (a == "--warmup") warmup = std::stod(value());
    else if (a == "--chunk-ms") chunk_ms = std::clamp(std::stoi(value()), 1, 100);
    else if (a == "--impulse-ms") impulse_ms = std::stoi(value());
    else if (a == "--impulse-every") impulse_every = std::max<std::size_t>(1, std::stoul(value()));
    else if (a == "--verbose") verbose = true;
    else if (a == "--no-impulses") no_impulses = true;
    else if (a == "--ppm") ppm = std::clamp(std::stoi(value()), -100000, 100000);
    else if (a == "--ppm-every") ppm_every = std::max<std::size_t>(1, std::stoul(value()));
    else if (a == "--mix-of") mix_of = std::clamp<std::size_t>(std::stoul(value()), 1, 16);
    else if (a == "--breaks") breaks_path = value();
    else if (a == "--churn-ms") churn_ms = std::max(0, std::stoi(value()));
    else usage("unknown argument " + a);
  }
  if ((sender_count > 0 && !have_send) || (listener_count > 0 && !have_listen)) usage("where to?");
  if (impulse_ms % chunk_ms != 0) usage("--impulse-ms must be a multiple of --chunk-ms");
  if (mix_of > 0 && sender_count < mix_of * listener_count) usage("--mix-of K needs K senders per listener");
  if (rtp && churn_ms > 0) usage("--churn-ms churns connections; --rtp has none");
  std::FILE* breaks_file = nullptr;
  if (!breaks_path.empty()) {
    breaks_file = std::fopen(breaks_path.c_str(), "w");
    if (!breaks_file) usage("cannot write " + breaks_path);
    std::fprintf(breaks_file, "t_s\tlistener\tsender\thz\tkind\tdphi_rad\tlevel_ratio\tclass\tcounted\tepoch_s\n");
  }
  struct sigaction on_signal{};
  on_signal.sa_handler = request_stop;  // no SA_RESTART: epoll_wait returns at once
  ::sigaction(SIGINT, &on_signal, nullptr);
  ::sigaction(SIGTERM, &on_signal, nullptr);
  const std::uint64_t chunk_frames = (static_cast<std::uint64_t>(rate) * static_cast<std::uint64_t>(chunk_ms) + 999) / 1000;

  std::vector<sender> senders(sender_count);
  for (std::size_t i = 0; i < sender_count; ++i) {
    auto& s = senders[i];
    s.hz = mix_of > 0 ? checked_tone_hz(i % mix_of) : static_cast<int>(100 + i % 4000);
    s.tone = tone_second(s.hz);
    s.impulses = !no_impulses && i % impulse_every == 0;
    if (ppm != 0 && i % ppm_every == ppm_every - 1) s.ppm = (i / ppm_every) % 2 == 0 ? ppm : -ppm;
    if (rtp) {
      s.port = static_cast<std::uint16_t>(send_to.port + i);
      s.rtp_to.sin_family = AF_INET;
      s.rtp_to.sin_port = htons(s.port);
      ::inet_pton(AF_INET, send_to.host.c_str(), &s.rtp_to.sin_addr);
      s.rtp_sequence = static_cast<std::uint16_t>(i * 7919);
      s.connected = true;  // datagrams need no connection
    } else if (send_to.prefix.empty()) {
      s.port = static_cast<std::uint16_t>(send_to.port + i);
    } else {
      s.port = send_to.port;
      s.handshake = "SEND " + send_to.prefix + std::to_string(i) + "\n";
    }
  }
  std::vector<listener> listeners(listener_count);
  for (std::size_t j = 0; j < listener_count; ++j) {
    auto& l = listeners[j];
    l.port = listen_to.port;
    l.source = sender_count ? (j * impulse_every) % sender_count : 0;
    if (!listen_to.prefix.empty()) l.handshake = "LISTEN " + listen_to.prefix + std::to_string(j) + "\n";
    l.header_done = l.handshake.empty();
    if (mix_of > 0) {
      l.sums.assign(mix_of, {});
      l.tones.assign(mix_of, {});
    }
  }
  // basis[k][n]: e^(-i 2 pi f n / rate) for the k-th tone of a mix, over one window.
  std::vector<std::vector<std::complex<double>>> basis(mix_of, std::vector<std::complex<double>>(check_window));
  for (std::size_t k = 0; k < mix_of; ++k) {
    for (std::size_t n = 0; n < check_window; ++n) {
      basis[k][n] = std::polar(1.0, -2 * std::numbers::pi * checked_tone_hz(k) * static_cast<double>(n) / rate);
    }
  }

  const int epoll = ::epoll_create1(EPOLL_CLOEXEC);
  const int timer = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  itimerspec period{};
  period.it_interval.tv_nsec = chunk_ms * 1'000'000L;
  period.it_value.tv_nsec = chunk_ms * 1'000'000L;
  ::timerfd_settime(timer, 0, &period, nullptr);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = ~std::uint64_t{0};
  ::epoll_ctl(epoll, EPOLL_CTL_ADD, timer, &ev);

  const auto start = clock_type::now();
  const auto measure_from = start + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(warmup));
  const auto end = measure_from + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(seconds));
  const auto impulse_frames = static_cast<std::uint64_t>(rate) * static_cast<std::uint64_t>(impulse_ms) / 1000;
  std::uint64_t late_ticks = 0;
  std::uint64_t connect_failures = 0;
  std::vector<char> inbox(1 << 16);
  std::vector<std::int16_t> scratch;
  std::vector<epoll_event> events(256);

  std::uint64_t steady_breaks = 0;
  std::uint64_t drift_breaks = 0;
  std::uint64_t churn_breaks = 0;
  std::uint64_t listener_churns = 0;
  std::uint64_t sender_churns = 0;
  std::uint64_t listener_closes = 0;  // connected listeners the server disconnected
  std::uint64_t sender_closes = 0;    // accepted senders the server disconnected
  std::uint64_t sender_refusals = 0;  // SENDs answered ERR (then closed)
  const auto churn_period = std::chrono::milliseconds(churn_ms);
  auto next_churn = start + churn_period;
  std::uint64_t churn_count = 0;
  // The senders churned are spread over the mixes: a stride that visits every sender.
  std::size_t churn_stride = 37;
  while (sender_count > 0 && std::gcd(churn_stride, sender_count) != 1) churn_stride += 2;

  const auto close_link = [&](int& fd, bool& connected) {
    if (fd >= 0) {
      ::epoll_ctl(epoll, EPOLL_CTL_DEL, fd, nullptr);
      ::close(fd);
    }
    fd = -1;
    connected = false;
  };
  const auto reset = [&](int& fd, bool& connected) {
    close_link(fd, connected);
    ++connect_failures;
  };
  // A sender starts its stream afresh on every connection (frame-aligned, tone from its start).
  const auto drop_sender = [&](sender& s) {
    close_link(s.fd, s.connected);
    s.ticks = 0;
    s.due = 0;
    s.sent_bytes = 0;
    s.refused = false;
  };
  const auto drop_listener = [&](listener& l) {
    close_link(l.fd, l.connected);
    l.header_done = l.handshake.empty();
    l.partial.clear();
    l.frame_bytes = 0;
    l.quiet_until = 0;
    l.last_arrival = {};
    l.window_fill = 0;
    std::fill(l.sums.begin(), l.sums.end(), std::complex<double>{});
    std::fill(l.tones.begin(), l.tones.end(), tone_track{});
  };
  // Starts connecting `fd` (when it is not) to `host`:`port`; epoll reports it under `id`.
  const auto open_link = [&](int& fd, const std::string& host, std::uint16_t port, std::uint64_t id,
                             std::uint32_t wanted) {
    if (fd >= 0) return;
    fd = start_connect(host, port);
    if (fd < 0) return;
    epoll_event e{};
    e.events = wanted;
    e.data.u64 = id;
    ::epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &e);
  };
  // Connections are retried every tick until they succeed: ffmpeg opens its inputs one by one.
  const auto connect_all = [&](clock_type::time_point now) {
    for (std::size_t i = 0; i < senders.size() && !rtp; ++i) {
      if (now >= senders[i].reconnect_at)
        open_link(senders[i].fd, send_to.host, senders[i].port, i, EPOLLOUT);
    }
    for (std::size_t j = 0; j < listeners.size(); ++j) {
      if (now < listeners[j].reconnect_at) continue;
      open_link(listeners[j].fd, listen_to.host, listeners[j].port, (std::uint64_t{1} << 62) | j, EPOLLIN | EPOLLOUT);
    }
  };
  // A connect finished: on success sends `handshake` and waits for `events_after` from then on.
  const auto complete_link = [&](int& fd, bool& connected, const std::string& handshake, std::uint64_t id,
                                 std::uint32_t events_after) {
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) {
      reset(fd, connected);
      return false;
    }
    connected = true;
    if (!handshake.empty()) ::send(fd, handshake.data(), handshake.size(), MSG_NOSIGNAL);
    epoll_event e{};
    e.events = events_after;
    e.data.u64 = id;
    ::epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &e);
    return true;
  };
  // The server closed (or refused) a connected sender: counted, and it reconnects shortly.
  const auto lost_sender = [&](sender& s, clock_type::time_point now) {
    if (!s.refused && ::recv(s.fd, inbox.data(), inbox.size(), MSG_DONTWAIT) > 0 && inbox[0] == 'E') {
      s.refused = true;  // its ERR was still unread
      ++sender_refusals;
    }
    if (!s.refused) ++sender_closes;
    ++connect_failures;
    drop_sender(s);
    s.reconnect_at = now + retry_delay;
  };

  // Sends what sender `s` owes up to its due frame, straight from its tone table; an impulse frame
  // goes out from a scratch copy. Stops (and counts a stall) when the socket is full.
  const auto pump = [&](sender& s, clock_type::time_point now) {
    while (s.sent_bytes < s.due * 4) {
      const std::uint64_t frame = s.sent_bytes / 4;
      const std::size_t in_second = frame % rate;
      std::size_t frames = std::min<std::uint64_t>(s.due - frame, rate - in_second);
      const bool impulse_here = s.impulses && frame % impulse_frames == 0 && s.sent_bytes % 4 == 0;
      const std::size_t skip = s.sent_bytes % 4;
      const char* data = reinterpret_cast<const char*>(s.tone.data() + in_second * 2) + skip;
      if (impulse_here) {
        frames = std::min<std::uint64_t>(frames, chunk_frames);
        scratch.assign(s.tone.begin() + static_cast<std::ptrdiff_t>(in_second * 2),
                       s.tone.begin() + static_cast<std::ptrdiff_t>((in_second + frames) * 2));
        scratch[0] = scratch[1] = impulse;
        data = reinterpret_cast<const char*>(scratch.data());
      } else if (s.impulses) {
        frames = std::min<std::uint64_t>(frames, impulse_frames - frame % impulse_frames);  // stop before the next one
      }
      const ssize_t n = ::send(s.fd, data, frames * 4 - skip, MSG_NOSIGNAL);
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        lost_sender(s, now);
        return;
      }
      if (n <= 0) {
        ++s.stalls;
        return;
      }
      if (impulse_here) s.impulse_times.push_back(now);
      s.sent_bytes += static_cast<std::uint64_t>(n);
    }
  };

  // Sender `s`'s RTP packets up to its due frame, into the tick's batch (--rtp): what is due, as
  // TCP's sends take it (44 or 45 frames a millisecond at 44.1 kHz), at most a chunk a packet, and
  // cut before an impulse so that it starts a packet (its time is when that packet left).
  rtp_batch datagrams(chunk_frames);
  const auto pump_rtp = [&](sender& s, clock_type::time_point now) {
    while (s.sent_bytes / 4 < s.due) {
      const std::uint64_t first = s.sent_bytes / 4;
      std::uint64_t frames = std::min<std::uint64_t>(s.due - first, chunk_frames);
      if (s.impulses && first % impulse_frames != 0) {
        frames = std::min(frames, impulse_frames - first % impulse_frames);
      }
      const auto packet = datagrams.next(s.rtp_to, frames);
      packet[0] = static_cast<char>(0x80);
      packet[1] = static_cast<char>(first == 0 ? 0x80 | 10 : 10);  // the marker on the first
      put_be16(&packet[2], s.rtp_sequence++);
      put_be32(&packet[4], static_cast<std::uint32_t>(first));
      put_be32(&packet[8], static_cast<std::uint32_t>(0x6d780000 + (&s - senders.data())));
      char* payload = packet.data() + rtp_batch::header_bytes;
      for (std::uint64_t f = first; f < first + frames; ++f, payload += 4) {
        std::int16_t left = s.tone[2 * (f % rate)];
        if (s.impulses && f % impulse_frames == 0) {
          left = impulse;
          s.impulse_times.push_back(now);
        }
        put_be16(payload, static_cast<std::uint16_t>(left));
        put_be16(payload + 2, static_cast<std::uint16_t>(left));
      }
      s.sent_bytes += frames * 4;
    }
  };

  // Tone `k` of listener `j` broke: classed by what its sender went through, counted after the warm-up.
  const auto record_break = [&](std::size_t j, std::size_t k, const char* kind, double dphi, double ratio,
                                clock_type::time_point now) {
    const std::size_t i = mix_of * j + k;
    const auto& s = senders[i];
    const char* what = "steady";
    if (s.churned && now - s.churned_at < churn_shadow) what = "churn";
    else if (s.ppm != 0) what = "drift";
    const bool counted = now >= measure_from;
    if (counted) {
      if (what[0] == 's') ++steady_breaks, ++listeners[j].breaks;
      else if (what[0] == 'd') ++drift_breaks;
      else ++churn_breaks;
    }
    if (breaks_file) {
      // epoch_s: the wall clock, to line a break up with another program's samples.
      const auto wall = std::chrono::system_clock::now() - (clock_type::now() - now);
      std::fprintf(breaks_file, "%.3f\t%zu\t%zu\t%d\t%s\t%.2f\t%.2f\t%s\t%s\t%.3f\n", seconds_between(start, now), j, i,
                   s.hz, kind, dphi, ratio, what, counted ? "yes" : "warmup",
                   std::chrono::duration<double>(wall.time_since_epoch()).count());
    }
  };
  // A window of listener `j` is complete: compare each tone's bin with the previous window's.
  const auto judge_window = [&](std::size_t j, clock_type::time_point now) {
    auto& l = listeners[j];
    const double nominal = tone_peak * static_cast<double>(check_window) / 2;
    for (std::size_t k = 0; k < mix_of; ++k) {
      auto& t = l.tones[k];
      const std::complex<double> c = l.sums[k];
      l.sums[k] = {};
      if (!t.have_previous) {
        t.previous = c;
        t.have_previous = true;
        continue;
      }
      const bool silent = std::abs(c) < silent_fraction * nominal;
      const bool was_silent = std::abs(t.previous) < silent_fraction * nominal;
      const char* kind = nullptr;
      double dphi = 0;
      double ratio = 1;
      if (silent != was_silent) {
        kind = silent ? "dropout" : "return";
      } else if (!silent) {
        ratio = std::abs(c) / std::abs(t.previous);
        dphi = std::arg(c * std::conj(t.previous));
        if (std::abs(dphi) > break_phase_rad) kind = "phase";
        else if (ratio < break_level_ratio || ratio > 1 / break_level_ratio) kind = "level";
      }
      t.previous = c;
      if (!kind) continue;
      const bool new_break = !t.flagged || now - t.last_flag > merge_breaks;
      t.flagged = true;
      t.last_flag = now;
      if (new_break) record_break(j, k, kind, dphi, ratio, now);
    }
  };

  const auto on_pcm = [&](std::size_t j, const char* data, std::size_t size, clock_type::time_point now) {
    auto& l = listeners[j];
    if (now >= measure_from) {
      if (l.last_arrival >= measure_from) {
        l.longest_gap_ms = std::max(l.longest_gap_ms, 1000 * seconds_between(l.last_arrival, now));
      }
      l.measured_bytes += size;
    }
    l.last_arrival = now;
    l.partial.append(data, size);
    const std::size_t whole = l.partial.size() / 4 * 4;
    for (std::size_t at = 0; at < whole; at += 4) {
      std::int16_t left;
      std::memcpy(&left, l.partial.data() + at, 2);
      if (mix_of > 0) {
        for (std::size_t k = 0; k < mix_of; ++k) l.sums[k] += static_cast<double>(left) * basis[k][l.window_fill];
        if (++l.window_fill == check_window) {
          l.window_fill = 0;
          judge_window(j, now);
        }
      }
      const std::uint64_t frame = l.frame_bytes / 4 + at / 4;
      if (frame < l.quiet_until) continue;
      if (left < impulse_threshold) continue;
      l.quiet_until = frame + impulse_frames / 2;
      if (senders.empty()) continue;
      const auto& sent = senders[l.source].impulse_times;
      // The newest impulse sent before it arrived is the one heard.
      const auto it = std::upper_bound(sent.begin(), sent.end(), now);
      if (it != sent.begin() && *(it - 1) >= measure_from) {
        l.latencies_ms.push_back(1000 * seconds_between(*(it - 1), now));
      }
    }
    l.frame_bytes += whole;
    l.partial.erase(0, whole);
  };

  // Every --churn-ms: one listener and one sender leave, to come back after churn_reconnect_delay.
  const auto churn = [&](clock_type::time_point now) {
    if (!listeners.empty()) {
      auto& l = listeners[churn_count % listeners.size()];
      drop_listener(l);
      l.reconnect_at = now + churn_reconnect_delay;
      ++listener_churns;
    }
    if (!senders.empty()) {
      auto& s = senders[(churn_count * churn_stride + 1) % senders.size()];
      drop_sender(s);
      s.reconnect_at = now + churn_reconnect_delay;
      s.churned = true;
      s.churned_at = now;
      ++sender_churns;
    }
    ++churn_count;
  };

  while (clock_type::now() < end && !stop_requested) {
    const int n = ::epoll_wait(epoll, events.data(), static_cast<int>(events.size()), 5);
    const auto now = clock_type::now();
    for (std::size_t e = 0; e < static_cast<std::size_t>(std::max(n, 0)); ++e) {
      const std::uint64_t id = events[e].data.u64;
      if (id == ~std::uint64_t{0}) {
        std::uint64_t expirations = 0;
        if (::read(timer, &expirations, sizeof expirations) != sizeof expirations) continue;
        if (expirations > 1) late_ticks += expirations - 1;
        if (churn_ms > 0 && now >= next_churn) {
          next_churn += churn_period;
          churn(now);
        }
        connect_all(now);
        for (auto& s : senders) {
          if (!s.connected) continue;
          s.ticks += expirations;
          // Exact, whatever the chunk; a drifting clock (--ppm) owes its share more or less.
          s.due = s.ticks * rate * static_cast<std::uint64_t>(chunk_ms) * static_cast<std::uint64_t>(1'000'000 + s.ppm) /
                  1'000'000'000;
          if (rtp) {
            pump_rtp(s, now);
          } else {
            pump(s, now);
          }
        }
        if (rtp) datagrams.flush();
        continue;
      }
      if (id >> 62) {
        const std::size_t j = id & ((std::uint64_t{1} << 62) - 1);
        auto& l = listeners[j];
        if (l.fd < 0) continue;  // closed earlier in this batch
        if (!l.connected && (events[e].events & EPOLLOUT) && !complete_link(l.fd, l.connected, l.handshake, id, EPOLLIN)) {
          continue;
        }
        if (!(events[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
        const ssize_t got = ::recv(l.fd, inbox.data(), inbox.size(), 0);
        if (got <= 0) {
          if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
            if (l.connected) {
              ++listener_closes;
              drop_listener(l);
              l.reconnect_at = now + retry_delay;
              ++connect_failures;
            } else {
              reset(l.fd, l.connected);
            }
          }
          continue;
        }
        const char* data = inbox.data();
        auto size = static_cast<std::size_t>(got);
        if (!l.header_done) {  // `OK s16le RATE 2` before the PCM
          const auto* newline = static_cast<const char*>(std::memchr(data, '\n', size));
          if (!newline) continue;
          l.header_done = true;
          size -= static_cast<std::size_t>(newline + 1 - data);
          data = newline + 1;
        }
        on_pcm(j, data, size, now);
        continue;
      }
      auto& s = senders[id];
      if (s.fd < 0) continue;  // closed earlier in this batch
      if (!s.connected) {
        // From now on the timer drives it; reading only takes the server's answer (OK, or ERR and a close).
        complete_link(s.fd, s.connected, s.handshake, id, EPOLLIN);
        continue;
      }
      const ssize_t got = ::recv(s.fd, inbox.data(), inbox.size(), 0);
      if (got > 0) {
        if (!s.refused && inbox[0] == 'E') {  // ERR ...: the server closes next
          s.refused = true;
          ++sender_refusals;
        }
      } else if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        lost_sender(s, now);
      }
    }
  }
  if (breaks_file) std::fclose(breaks_file);

  const double window = seconds_between(measure_from, clock_type::now());
  double rate_min = INFINITY;
  double rate_max = 0;
  double gap_max = 0;
  std::vector<double> all_latencies;
  std::size_t live_listeners = 0;
  std::size_t listeners_with_breaks = 0;
  for (std::size_t j = 0; j < listeners.size(); ++j) {
    const auto& l = listeners[j];
    const double byte_rate = static_cast<double>(l.measured_bytes) / window;
    rate_min = std::min(rate_min, byte_rate);
    rate_max = std::max(rate_max, byte_rate);
    gap_max = std::max(gap_max, l.longest_gap_ms);
    all_latencies.insert(all_latencies.end(), l.latencies_ms.begin(), l.latencies_ms.end());
    live_listeners += l.connected ? 1 : 0;
    listeners_with_breaks += l.breaks > 0 ? 1 : 0;
    if (verbose) {
      std::printf("listener=%zu rate_Bps=%.0f gap_max_ms=%.1f latency_p50_ms=%.2f latency_p99_ms=%.2f impulses=%zu "
                  "phase_breaks=%llu\n",
                  j, byte_rate, l.longest_gap_ms, percentile(l.latencies_ms, 0.5), percentile(l.latencies_ms, 0.99),
                  l.latencies_ms.size(), static_cast<unsigned long long>(l.breaks));
    }
  }
  std::uint64_t stalls = 0;
  std::size_t live_senders = 0;
  for (const auto& s : senders) {
    stalls += s.stalls;
    live_senders += s.connected ? 1 : 0;
  }
  if (listeners.empty()) rate_min = 0;
  std::printf(
      "senders=%zu/%zu listeners=%zu/%zu seconds=%.1f rate_min_Bps=%.0f rate_max_Bps=%.0f gap_max_ms=%.1f "
      "latency_p50_ms=%.2f latency_p99_ms=%.2f latency_max_ms=%.2f impulses=%zu send_stalls=%llu "
      "loadgen_late_ticks=%llu reconnects=%llu phase_breaks=%llu drift_breaks=%llu churn_breaks=%llu "
      "listeners_with_breaks=%zu listener_churns=%llu sender_churns=%llu listener_closes=%llu "
      "sender_closes=%llu "
      "sender_refusals=%llu rtp_dropped=%llu sendmmsg_calls=%llu\n",
      live_senders, senders.size(), live_listeners, listeners.size(), window, rate_min, rate_max, gap_max,
      percentile(all_latencies, 0.5), percentile(all_latencies, 0.99), percentile(all_latencies, 1.0),
      all_latencies.size(), static_cast<unsigned long long>(stalls),
      static_cast<unsigned long long>(late_ticks), static_cast<unsigned long long>(connect_failures),
      static_cast<unsigned long long>(steady_breaks), static_cast<unsigned long long>(drift_breaks),
      static_cast<unsigned long long>(churn_breaks), listeners_with_breaks,
      static_cast<unsigned long long>(listener_churns), static_cast<unsigned long long>(sender_churns),
      static_cast<unsigned long long>(listener_closes), static_cast<unsigned long long>(sender_closes),
      static_cast<unsigned long long>(sender_refusals), static_cast<unsigned long long>(datagrams.dropped),
      static_cast<unsigned long long>(datagrams.calls));
  return 0;
}
