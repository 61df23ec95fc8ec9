#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fstream>
#include <numbers>
#include <thread>

#include "tests/support/audio_analysis.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/paced_sender.hpp"
#include "tests/support/sanitizers.hpp"
#include "tests/support/tcp_client.hpp"
#include "tests/support/test_server.hpp"
#include "tests/support/udp_socket.hpp"

using namespace mixmatrix::test;
using namespace std::chrono_literals;

// RTP in and out over loopback: our sender into our receiver, through a relay that reorders,
// duplicates and drops packets, hostile datagrams, and real peers (ffmpeg, GStreamer) both ways.
namespace {
// 221 frames a packet (5 ms at 44.1 kHz) are 5.51 periods of 1100 Hz: a packet dropped without
// its silence, or played twice, turns the tone's phase by half a turn.
constexpr double tone_hz = 1100;

std::string port_text(std::uint16_t port) {
  return std::to_string(port);
}

// Mix `out` of a 1100 Hz tone at -12 dBFS, sent as RTP to 127.0.0.1:to_port with `words`.
void send_tone(test_server& server, std::uint16_t to_port, const std::string& words = "") {
  REQUIRE(server.command("input add sine tone 1100 -12").ok());
  REQUIRE(server.command("mix add out rtp 127.0.0.1:" + port_text(to_port) + words).ok());
  REQUIRE(server.command("route out sine").ok());
}

// Input `back` receiving RTP on 127.0.0.1:port with `words`, alone in mix `heard`. Its latency of
// 100 ms holds under a busy machine (these tests run beside others, and in CI beside builds): an
// underrun would be a silence that no packet caused, and these tests count silences.
void receive_into_heard(test_server& server, std::uint16_t port, const std::string& words = "") {
  const auto r = server.command("input add back rtp 127.0.0.1:" + port_text(port) + words + " latency 100");
  REQUIRE_MESSAGE(r.ok(), r.status);
  REQUIRE(server.command("mix add heard").ok());
  REQUIRE(server.command("route heard back").ok());
}

std::string show_line(test_server& server, const std::string& name) {
  const auto r = server.command("show " + name);
  REQUIRE(r.ok());
  REQUIRE(!r.data.empty());
  return r.data[0];
}

// The peak of a lone sine from its RMS, in dBFS: unlike a DFT at one frequency, blind to the few
// per mille of pitch that following a sender's clock may add.
double sine_dbfs(const std::vector<double>& x) {
  double sum = 0;
  for (const double v : x) sum += v * v;
  return 20 * std::log10(std::sqrt(2 * sum / static_cast<double>(x.size())) / 32768);
}

// What a test heard of mix `heard`, and show's line of input `back` after.
struct heard_stream {
  std::string pcm;
  std::string show;
};

// Once `back` has settled, 1.5 s of mix `heard`: the tone at `dbfs`, without a gap, from a stream
// of `format` (as show's rtp_format= has it) with nothing lost or bad.
heard_stream check_heard_tone(test_server& server, double dbfs, const std::string& format) {
  REQUIRE(server.wait_live("back"));
  REQUIRE(server.wait_settled("back"));
  auto listener = server.listen("heard");
  heard_stream got{listener.read_for(1500ms), {}};
  const auto left = channel_samples(got.pcm, 0);
  REQUIRE(left.size() > 44100);
  CHECK(sine_dbfs(left) == doctest::Approx(dbfs).epsilon(0.05));
  if (!sanitized_build) CHECK(longest_silence_frames(got.pcm) < 3);  // a sanitized server stalls now and then
  got.show = show_line(server, "back");
  MESSAGE(got.show);
  CHECK(got.show.find(" rtp_format=" + format + " ") != std::string::npos);
  CHECK(show_field(got.show, "lost") == 0);
  CHECK(show_field(got.show, "bad") == 0);
  return got;
}

// The tone's phase over samples [from, to), against the absolute sample index.
double phase_at(const std::vector<double>& x, std::size_t from, std::size_t to, double hz) {
  const double w = 2 * std::numbers::pi * hz / 44100;
  double s = 0;
  double c = 0;
  for (std::size_t n = from; n < to; ++n) {
    s += x[n] * std::sin(w * static_cast<double>(n));
    c += x[n] * std::cos(w * static_cast<double>(n));
  }
  return std::atan2(s, c);
}

double turn_between(double a, double b) {
  return std::remainder(a - b, 2 * std::numbers::pi);
}

// Runs of at least `shortest` zero frames in s16le stereo: their starts and lengths in frames.
std::vector<std::pair<std::size_t, std::size_t>> silent_runs(std::string_view pcm, std::size_t shortest) {
  std::vector<std::pair<std::size_t, std::size_t>> runs;
  const auto left = channel_samples(pcm, 0);
  const auto right = channel_samples(pcm, 1);
  std::size_t start = 0;
  for (std::size_t n = 0; n <= left.size(); ++n) {
    if (n < left.size() && left[n] == 0 && right[n] == 0) continue;
    if (n - start >= shortest) runs.emplace_back(start, n - start);
    start = n + 1;
  }
  return runs;
}

// Checks that every silence in `heard` is a lost packet's (221 frames) and that the tone's phase is
// the same on both sides of each: nothing was dropped or added around the losses.
void check_timeline(const std::string& heard) {
  const auto left = channel_samples(heard, 0);
  const auto runs = silent_runs(heard, 40);
  CHECK(runs.size() >= 3);
  std::size_t from = 0;
  std::optional<double> phase;
  for (std::size_t i = 0; i <= runs.size(); ++i) {
    const std::size_t to = i < runs.size() ? runs[i].first : left.size();
    if (i < runs.size())
      CHECK_MESSAGE(std::abs(static_cast<double>(runs[i].second) - 221) <= 3, runs[i].second);
    if (to > from + 2000) {
      const double p = phase_at(left, from + 50, to - 50, tone_hz);
      if (phase) {
        CHECK_MESSAGE(std::abs(turn_between(p, *phase)) < 0.5,
                      "a turn of " << turn_between(p, *phase) << " before frame " << to);
      }
      phase = p;
    }
    if (i < runs.size()) from = runs[i].first + runs[i].second;
  }
}

// Forwards datagrams from its own port to `to_port` for `packets` packets, dropping, swapping and
// duplicating some of them as a congested network would, and counting what it did.
class lossy_relay {
 public:
  explicit lossy_relay(std::uint16_t to_port, int packets) : to_port_(to_port), packets_(packets) {
    thread_ = std::thread([this] { run(); });
  }
  ~lossy_relay() {
    stop_ = true;
    thread_.join();
  }
  std::uint16_t port() const { return socket_.port(); }
  bool finished() const { return finished_; }

  std::atomic<int> dropped{0};
  std::atomic<int> swapped{0};
  std::atomic<int> duplicated{0};

 private:
  void run() {
    std::optional<std::string> held;
    for (int i = 0; i < packets_ && !stop_;) {
      auto d = socket_.receive(100ms);
      if (!d) continue;
      const int n = i++;
      if (held) {  // the packet after a held one goes first
        socket_.send_to(to_port_, *d);
        socket_.send_to(to_port_, *held);
        held.reset();
        ++swapped;
      } else if (n % 100 == 50) {  // 1 % loss
        ++dropped;
      } else if (n % 10 == 5 && n % 100 != 45 && n % 100 != 55) {
        held = std::move(d);
      } else if (n % 7 == 3) {
        socket_.send_to(to_port_, *d);
        socket_.send_to(to_port_, *d);
        ++duplicated;
      } else {
        socket_.send_to(to_port_, *d);
      }
    }
    finished_ = true;
  }

  udp_socket socket_;
  std::uint16_t to_port_;
  int packets_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

std::string l16_packet(std::uint8_t first, std::uint8_t pt, std::size_t payload) {
  std::string p(12 + payload, '\0');
  p[0] = static_cast<char>(first);
  p[1] = static_cast<char>(pt);
  return p;
}
}  // namespace

TEST_CASE("rtp: a mix sent as RTP comes back in through an RTP input, whole and at its level") {
  const auto port = free_port();
  test_server server;
  send_tone(server, port);
  receive_into_heard(server, port);
  const auto [heard, show] = check_heard_tone(server, -12, "L16,44100,2");
  if (!sanitized_build) CHECK(worst_sine_break(heard, tone_hz) < 50);
  CHECK(show.find(" rtp=127.0.0.1:" + port_text(port)) != std::string::npos);
  CHECK(show_field(show, "packets") > 300);
  CHECK(show_field(show, "late") == 0);
  CHECK(show_field(show, "underruns") == 0);
  // The list line names the address; a saved scene brings the input back with it.
  const auto list = server.command("list");
  bool listed = false;
  for (const auto& line : list.data)
    listed |= line.find("back") != std::string::npos && line.find(" rtp=127.0.0.1") != std::string::npos;
  CHECK(listed);
  const auto dir = temp_dir();
  REQUIRE(server.command("save " + dir + "/scene.mix").ok());
  CHECK(read_file(dir + "/scene.mix").find("input add back rtp 127.0.0.1:" + port_text(port)) !=
        std::string::npos);
}

TEST_CASE("rtp: reordered, duplicated and lost packets are counted, and the tone keeps its timeline") {
  const auto port = free_port();
  test_server server;
  constexpr int packets = 2000;  // 9.2 s of 221-frame packets
  receive_into_heard(server, port);
  lossy_relay relay(port, packets);
  send_tone(server, relay.port());
  REQUIRE(server.wait_live("back"));
  REQUIRE(server.wait_settled("back"));
  auto listener = server.listen("heard");
  const std::string heard = listener.read_for(3s);
  // Every loss is a packet's length of silence in its place: the phase before and after agrees.
  // (A sanitized server stalls now and then, and its underruns would be silences too: counts only.)
  if (!sanitized_build) check_timeline(heard);
  for (int i = 0; i < 150 && !relay.finished(); ++i) std::this_thread::sleep_for(100ms);
  REQUIRE(relay.finished());
  std::this_thread::sleep_for(200ms);
  const auto show = show_line(server, "back");
  MESSAGE(show);
  CHECK(show_field(show, "lost") == relay.dropped);
  CHECK(show_field(show, "duplicates") == relay.duplicated);
  CHECK(show_field(show, "reordered") == relay.swapped);
  CHECK(show_field(show, "packets") == packets - relay.dropped);
  CHECK(show_field(show, "late") == 0);
  CHECK(show_field(show, "bad") == 0);
}

TEST_CASE("rtp: hostile datagrams are counted as bad and dropped, and the stream plays on") {
  const auto port = free_port();
  test_server server;
  send_tone(server, port);
  receive_into_heard(server, port);
  check_heard_tone(server, -12, "L16,44100,2");
  auto listener = server.listen("heard");
  udp_socket attacker;
  const std::vector<std::string> hostile{
      "hello",                                       // not RTP
      l16_packet(0x40, 10, 8),                       // version 1
      l16_packet(0x80, 0, 8),                        // PCMU, not linear PCM
      l16_packet(0x80, 10, 6),                       // half a stereo frame over
      l16_packet(0x8f, 10, 8),                       // 15 CSRCs that are not there
      l16_packet(0x90, 10, 0) + "\xbe\xde\xff\xff",  // an extension longer than the packet
      l16_packet(0xa0, 10, 7) + "\x7f",              // padding longer than the payload
      l16_packet(0x80, 10, 6000),                    // longer than any packet of ours
      l16_packet(0x80, 10, 0),                       // no payload
  };
  for (const auto& d : hostile) attacker.send_to(port, d);
  const std::string heard = listener.read_for(2s);
  const auto show = show_line(server, "back");
  MESSAGE(show);
  CHECK(show_field(show, "bad") == static_cast<double>(hostile.size()));
  CHECK(show_field(show, "lost") == 0);
  if (!sanitized_build) {  // a sanitized server stalls now and then
    CHECK(longest_silence_frames(heard) < 3);
    CHECK(worst_sine_break(heard, tone_hz) < 50);
  }
  CHECK(server.command("ping").ok());
}

TEST_CASE("rtp: packets for an input that a TCP sender holds are counted busy and dropped, until it leaves") {
  const auto port = free_port();
  test_server server;
  receive_into_heard(server, port);
  {
    paced_sender holder(server.stream_port, sine_pcm(440, 0.25, 1.0), "SEND back\n");
    REQUIRE(server.wait_live("back"));
    send_tone(server, port);
    std::this_thread::sleep_for(1s);
    const auto show = show_line(server, "back");
    MESSAGE(show);
    CHECK(show_field(show, "busy") > 20);  // 5 ms packets for a second
    CHECK(show_field(show, "packets") == 0);
  }
  // The TCP sender gone, the RTP stream takes the input.
  bool taken = false;
  for (int i = 0; i < 100 && !taken; ++i) {
    std::this_thread::sleep_for(100ms);
    taken = show_field(show_line(server, "back"), "packets") > 0;
  }
  CHECK(taken);
}

TEST_CASE("rtp: an address in use, or not of this host, is refused with the reason") {
  udp_socket taken;
  test_server server;
  const auto busy = server.command("input add x rtp 127.0.0.1:" + port_text(taken.port()));
  CHECK(busy.status.starts_with("ERR 409"));
  CHECK(busy.status.find("127.0.0.1:" + port_text(taken.port())) != std::string::npos);
  CHECK(server.command("show x").status.starts_with("ERR 404"));
  CHECK(server.command("input add y rtp 192.0.2.7:5004").status.starts_with("ERR 409"));
  CHECK(server.command("list").ok());
}

TEST_CASE("rtp: ffmpeg sends L16 (payload type 10) into an input") {
  if (!have_program("ffmpeg")) {
    MESSAGE("ffmpeg not installed: skipped");
    return;
  }
  const auto port = free_port();
  test_server server;
  receive_into_heard(server, port);
  child_process ffmpeg(
      as_audio_source({"ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i",
                       "sine=frequency=1100:sample_rate=44100:duration=30", "-af", "pan=stereo|c0=c0|c1=c0",
                       "-c:a", "pcm_s16be", "-f", "rtp", "rtp://127.0.0.1:" + port_text(port)}));
  check_heard_tone(server, -18.06, "L16,44100,2");  // lavfi's sine peaks at 1/8 of full scale
}

TEST_CASE("rtp: ffmpeg plays a mix from the SDP that sdp prints") {
  if (!have_program("ffmpeg")) {
    MESSAGE("ffmpeg not installed: skipped");
    return;
  }
  const auto port = free_port();
  test_server server;
  send_tone(server, port);
  const auto sdp = server.command("sdp out");
  REQUIRE(sdp.ok());
  const auto dir = temp_dir();
  {
    std::ofstream file(dir + "/out.sdp");
    for (const auto& line : sdp.data) file << line << "\r\n";
  }
  const int status = run_shell("ffmpeg -hide_banner -loglevel error -protocol_whitelist file,udp,rtp -i " +
                                   dir + "/out.sdp -t 3 -f s16le -ar 44100 -ac 2 " + dir + "/heard.raw",
                               20s);
  REQUIRE(status == 0);
  const std::string heard = read_file(dir + "/heard.raw");
  const auto left = channel_samples(heard, 0);
  REQUIRE(left.size() > 2 * 44100);
  CHECK(sine_dbfs(std::vector<double>(left.end() - 44100, left.end())) == doctest::Approx(-12).epsilon(0.05));
}

TEST_CASE("rtp: GStreamer sends L24 at 48 kHz (a dynamic type) into an input, resampled") {
  if (!have_program("gst-launch-1.0")) {
    MESSAGE("GStreamer not installed: skipped");
    return;
  }
  const auto port = free_port();
  test_server server;
  receive_into_heard(server, port, " format L24 48000 2");
  // 30 s of tone, as ffmpeg's above: a sanitized server beside other tests took most of 9 s to
  // settle. The test stops GStreamer once it has heard enough.
  child_process gst(as_audio_source({"gst-launch-1.0", "-q", "audiotestsrc", "is-live=true", "freq=1100",
                                     "volume=0.25", "num-buffers=1400", "!", "audioconvert", "!",
                                     "audio/x-raw,format=S24BE,rate=48000,channels=2", "!", "rtpL24pay",
                                     "pt=97", "!", "udpsink", "host=127.0.0.1", "port=" + port_text(port)}));
  check_heard_tone(server, -12.04, "L24,48000,2");
}

TEST_CASE("rtp: GStreamer receives a mix sent as L24, depayloaded from the caps of its SDP") {
  if (!have_program("gst-launch-1.0")) {
    MESSAGE("GStreamer not installed: skipped");
    return;
  }
  const auto port = free_port();
  test_server server;
  send_tone(server, port, " format L24");
  const auto sdp = server.command("sdp out");
  REQUIRE(sdp.ok());
  bool l24 = false;
  for (const auto& line : sdp.data) l24 |= line == "a=rtpmap:96 L24/44100/2";
  REQUIRE(l24);
  const auto dir = temp_dir();
  const int status = run_shell(
      "timeout -s INT 3 gst-launch-1.0 -q -e udpsrc port=" + port_text(port) +
          " caps='application/x-rtp,media=audio,clock-rate=44100,encoding-name=L24,channels=2,payload=96' ! "
          "rtpL24depay ! audioconvert ! audio/x-raw,format=S16LE,rate=44100,channels=2 ! filesink location=" +
          dir + "/heard.raw",
      20s);
  CHECK((status == 0 || status == 124));
  const std::string heard = read_file(dir + "/heard.raw");
  const auto left = channel_samples(heard, 0);
  REQUIRE(left.size() > 44100);
  CHECK(sine_dbfs(std::vector<double>(left.end() - 44100, left.end())) == doctest::Approx(-12).epsilon(0.05));
}

TEST_CASE("rtp: an input from the SDP file ffmpeg writes receives its stream, and save keeps the file") {
  if (!have_program("ffmpeg")) {
    MESSAGE("ffmpeg not installed: skipped");
    return;
  }
  const auto port = free_port();
  const auto dir = temp_dir();
  const std::string sdp = dir + "/ffmpeg.sdp";
  test_server server;
  child_process ffmpeg(as_audio_source({"ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi",
                                        "-i", "sine=frequency=1100:sample_rate=44100:duration=30", "-af",
                                        "pan=stereo|c0=c0|c1=c0", "-c:a", "pcm_s16be", "-f", "rtp",
                                        "-sdp_file", sdp, "rtp://127.0.0.1:" + port_text(port)}));
  for (int i = 0; i < 50 && read_file(sdp).find("m=audio") == std::string::npos; ++i)
    std::this_thread::sleep_for(100ms);
  const auto added = server.command("input add back sdp " + sdp + " latency 100");
  CHECK(added.status == "OK receiving 127.0.0.1:" + port_text(port) + " format L16 44100 2 from " + sdp);
  REQUIRE(server.command("mix add heard").ok());
  REQUIRE(server.command("route heard back").ok());
  const auto [heard, show] = check_heard_tone(server, -18.06, "L16,44100,2");
  CHECK(show.find(" sdp=" + sdp) != std::string::npos);
  REQUIRE(server.command("save " + dir + "/scene.mix").ok());
  CHECK(read_file(dir + "/scene.mix").find("input add back sdp " + sdp + " latency 100\n") !=
        std::string::npos);
}

TEST_CASE("rtp: an SDP input says which medium it took, and why it cannot take a description") {
  const auto dir = temp_dir();
  const auto port = free_port();
  std::ofstream(dir + "/two.sdp")
      << "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=two\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
      << "m=audio " << port << " RTP/AVP 96\r\na=rtpmap:96 L24/48000/2\r\n"
      << "m=audio " << port + 2 << " RTP/AVP 10\r\n";
  std::ofstream(dir + "/opus.sdp")
      << "v=0\nc=IN IP4 127.0.0.1\nm=audio 5004 RTP/AVP 111\na=rtpmap:111 opus/48000/2\n";
  test_server server;
  CHECK(server.command("input add a sdp " + dir + "/two.sdp").status ==
        "OK receiving 127.0.0.1:" + port_text(port) + " format L24 48000 2 from " + dir +
            "/two.sdp (the first of its 2 audio media)");
  CHECK(server.command("input add b sdp " + dir + "/opus.sdp").status ==
        "ERR 400 " + dir + "/opus.sdp: SDP: payload opus/48000/2 is not L16 or L24");
  CHECK(server.command("input add c sdp " + dir + "/none.sdp").status.starts_with("ERR 404 cannot read"));
  CHECK(server.command("show b").status.starts_with("ERR 404"));
  CHECK(server.command("input add a sdp " + dir + "/two.sdp").status == "ERR 409 name a exists");
}

TEST_CASE("rtp: an input played at its timestamps says so in show, and a saved scene keeps it") {
  const auto port = free_port();
  test_server server;
  REQUIRE(
      server.command("input add aes rtp 127.0.0.1:" + port_text(port) + " format L24 48000 2 playout media 3")
          .ok());
  CHECK(show_line(server, "aes").find(" playout=media offset_ms=3 ") != std::string::npos);
  const auto dir = temp_dir();
  REQUIRE(server.command("save " + dir + "/scene.mix").ok());
  CHECK(read_file(dir + "/scene.mix")
            .find("input add aes rtp 127.0.0.1:" + port_text(port) + " format L24 48000 2 playout media 3") !=
        std::string::npos);
  REQUIRE(server.command("input remove aes").ok());
  REQUIRE(server.command("load " + dir + "/scene.mix").ok());
  CHECK(show_line(server, "aes").find(" playout=media offset_ms=3 ") != std::string::npos);
}

TEST_CASE("rtp: an AES67 stream's SDP names the clock --ts-refclk says the system clock follows") {
  const std::string ptp = "ptp=IEEE1588-2008:00-1D-C1-FF-FE-12-34-56:0";
  test_server server({"--rate", "48000", "--ts-refclk", ptp});
  REQUIRE(server.command("mix add out rtp 127.0.0.1:" + port_text(free_port()) + " format L24 ptime 1").ok());
  const auto sdp = server.command("sdp out");
  REQUIRE(sdp.ok());
  CHECK(std::find(sdp.data.begin(), sdp.data.end(), "a=ts-refclk:" + ptp) != sdp.data.end());
  CHECK(std::find(sdp.data.begin(), sdp.data.end(), "a=mediaclk:direct=0") != sdp.data.end());
}
