// loadgen: the load of a busy broadcast centre on one thread. N senders stream a tone each (a
// different frequency per sender) in 10 ms chunks (--chunk-ms) on absolute deadlines; M listeners
// read mixes. Every
// K-th sender puts a full-scale impulse in its stream every --impulse-ms; listener j times the
// impulses of sender j*K, so each listener measures its own end-to-end latency. Prints one summary
// line of key=value pairs (and one per listener with --verbose). Latency is from the send() of the
// chunk that starts with an impulse to the recv() that brings it back. Figures, not asserts.
//
//   loadgen --senders N (--send HOST:PORT:PREFIX | --raw HOST:BASEPORT)
//           --listeners M (--listen HOST:PORT:PREFIX | --listen-raw HOST:PORT)
//           [--seconds S] [--warmup S] [--chunk-ms MS] [--impulse-ms MS] [--impulse-every K] [--verbose]

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <numbers>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;
constexpr int rate = 44100;
constexpr std::int16_t impulse = 30000;
constexpr std::int16_t impulse_threshold = 16000;  // eight tones of 300 stay far below it
constexpr std::int16_t tone_peak = 300;

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "loadgen: %s\nusage: loadgen --senders N (--send HOST:PORT:PREFIX | --raw HOST:BASEPORT)\n"
               "               --listeners M (--listen HOST:PORT:PREFIX | --listen-raw HOST:PORT)\n"
               "               [--seconds S] [--warmup S] [--chunk-ms MS] [--impulse-ms MS] [--impulse-every K]\n"
               "               [--verbose]\n",
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
  std::vector<std::int16_t> tone;
  std::uint64_t ticks = 0;  // timer ticks since it connected
  std::uint64_t due = 0;    // frames that should have been sent by now
  std::uint64_t sent_bytes = 0;
  std::uint64_t stalls = 0;  // ticks on which the server did not take everything
  std::vector<clock_type::time_point> impulse_times;
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
  bool have_listen = false;
  double seconds = 10;
  double warmup = 2;
  int chunk_ms = 10;
  int impulse_ms = 250;
  std::size_t impulse_every = 8;
  bool verbose = false;
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
    else if (a == "--listen") listen_to = parse_target(value(), true), have_listen = true;
    else if (a == "--listen-raw") listen_to = parse_target(value(), false), have_listen = true;
    else if (a == "--seconds") seconds = std::stod(value());
    else if (a == "--warmup") warmup = std::stod(value());
    else if (a == "--chunk-ms") chunk_ms = std::clamp(std::stoi(value()), 1, 100);
    else if (a == "--impulse-ms") impulse_ms = std::stoi(value());
    else if (a == "--impulse-every") impulse_every = std::max<std::size_t>(1, std::stoul(value()));
    else if (a == "--verbose") verbose = true;
    else usage("unknown argument " + a);
  }
  if ((sender_count > 0 && !have_send) || (listener_count > 0 && !have_listen)) usage("where to?");
  if (impulse_ms % chunk_ms != 0) usage("--impulse-ms must be a multiple of --chunk-ms");
  const std::uint64_t chunk_frames = (static_cast<std::uint64_t>(rate) * static_cast<std::uint64_t>(chunk_ms) + 999) / 1000;

  std::vector<sender> senders(sender_count);
  for (std::size_t i = 0; i < sender_count; ++i) {
    auto& s = senders[i];
    s.tone = tone_second(static_cast<int>(100 + i % 4000));
    s.impulses = i % impulse_every == 0;
    if (send_to.prefix.empty()) {
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

  const auto reset = [&](int& fd, bool& connected) {
    ::epoll_ctl(epoll, EPOLL_CTL_DEL, fd, nullptr);
    ::close(fd);
    fd = -1;
    connected = false;
    ++connect_failures;
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
  const auto connect_all = [&] {
    for (std::size_t i = 0; i < senders.size(); ++i) open_link(senders[i].fd, send_to.host, senders[i].port, i, EPOLLOUT);
    for (std::size_t j = 0; j < listeners.size(); ++j) {
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
      if (n <= 0) {
        ++s.stalls;
        return;
      }
      if (impulse_here) s.impulse_times.push_back(now);
      s.sent_bytes += static_cast<std::uint64_t>(n);
    }
  };

  const auto on_pcm = [&](listener& l, const char* data, std::size_t size, clock_type::time_point now) {
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
      const std::uint64_t frame = l.frame_bytes / 4 + at / 4;
      if (frame < l.quiet_until) continue;
      std::int16_t left;
      std::memcpy(&left, l.partial.data() + at, 2);
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

  while (clock_type::now() < end) {
    const int n = ::epoll_wait(epoll, events.data(), static_cast<int>(events.size()), 5);
    const auto now = clock_type::now();
    for (std::size_t e = 0; e < static_cast<std::size_t>(std::max(n, 0)); ++e) {
      const std::uint64_t id = events[e].data.u64;
      if (id == ~std::uint64_t{0}) {
        std::uint64_t expirations = 0;
        if (::read(timer, &expirations, sizeof expirations) != sizeof expirations) continue;
        if (expirations > 1) late_ticks += expirations - 1;
        connect_all();
        for (auto& s : senders) {
          if (!s.connected) continue;
          s.ticks += expirations;
          s.due = s.ticks * rate * static_cast<std::uint64_t>(chunk_ms) / 1000;  // exact, whatever the chunk
          pump(s, now);
        }
        continue;
      }
      if (id >> 62) {
        auto& l = listeners[id & ((std::uint64_t{1} << 62) - 1)];
        if (!l.connected && (events[e].events & EPOLLOUT) && !complete_link(l.fd, l.connected, l.handshake, id, EPOLLIN)) {
          continue;
        }
        if (!(events[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
        const ssize_t got = ::recv(l.fd, inbox.data(), inbox.size(), 0);
        if (got <= 0) {
          if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) reset(l.fd, l.connected);
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
        on_pcm(l, data, size, now);
        continue;
      }
      auto& s = senders[id];
      if (!s.connected) complete_link(s.fd, s.connected, s.handshake, id, 0);  // from now on the timer drives it
    }
  }

  const double window = seconds_between(measure_from, clock_type::now());
  double rate_min = INFINITY;
  double rate_max = 0;
  double gap_max = 0;
  std::vector<double> all_latencies;
  std::size_t live_listeners = 0;
  for (std::size_t j = 0; j < listeners.size(); ++j) {
    const auto& l = listeners[j];
    const double byte_rate = static_cast<double>(l.measured_bytes) / window;
    rate_min = std::min(rate_min, byte_rate);
    rate_max = std::max(rate_max, byte_rate);
    gap_max = std::max(gap_max, l.longest_gap_ms);
    all_latencies.insert(all_latencies.end(), l.latencies_ms.begin(), l.latencies_ms.end());
    live_listeners += l.connected ? 1 : 0;
    if (verbose) {
      std::printf("listener=%zu rate_Bps=%.0f gap_max_ms=%.1f latency_p50_ms=%.2f latency_p99_ms=%.2f impulses=%zu\n", j,
                  byte_rate, l.longest_gap_ms, percentile(l.latencies_ms, 0.5), percentile(l.latencies_ms, 0.99),
                  l.latencies_ms.size());
    }
  }
  std::uint64_t stalls = 0;
  std::size_t live_senders = 0;
  for (const auto& s : senders) {
    stalls += s.stalls;
    live_senders += s.connected ? 1 : 0;
  }
  if (listeners.empty()) rate_min = 0;
  std::printf("senders=%zu/%zu listeners=%zu/%zu seconds=%.1f rate_min_Bps=%.0f rate_max_Bps=%.0f gap_max_ms=%.1f "
              "latency_p50_ms=%.2f latency_p99_ms=%.2f latency_max_ms=%.2f impulses=%zu send_stalls=%llu "
              "loadgen_late_ticks=%llu reconnects=%llu\n",
              live_senders, senders.size(), live_listeners, listeners.size(), window, rate_min, rate_max, gap_max,
              percentile(all_latencies, 0.5), percentile(all_latencies, 0.99), percentile(all_latencies, 1.0),
              all_latencies.size(), static_cast<unsigned long long>(stalls), static_cast<unsigned long long>(late_ticks),
              static_cast<unsigned long long>(connect_failures));
  return 0;
}
