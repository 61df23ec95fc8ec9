#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>
#include <optional>
#include <thread>
#include <vector>

#include "tests/support/tcp_client.hpp"
#include "tests/support/test_server.hpp"
#include "tests/support/wire_pcm.hpp"

using namespace mixmatrix::test;
using namespace std::chrono_literals;

namespace {

// A second of two sines that never repeat a sample pattern, so channels cannot be swapped unseen;
// both start well away from 0, so the first sound heard is the first frame sent.
constexpr std::size_t frames_sent = 44100;

std::vector<double> sine(double hz, double amplitude, double phase) {
  std::vector<double> x(frames_sent);
  for (std::size_t i = 0; i < x.size(); ++i) {
    x[i] = amplitude * std::sin(2 * std::numbers::pi * hz * static_cast<double>(i) / 44100 + phase);
  }
  return x;
}

bool is_wide(const wire_format& f) {
  return f.sample != "s16le";
}

// s16's mean of two samples: rounded half to even.
double mean_half_even(double a, double b) {
  return std::nearbyint((a + b) / 2);
}

// The first line the stream port answers to `handshake`.
std::optional<std::string> first_answer(test_server& server, const std::string& handshake) {
  tcp_client client(server.stream_port);
  client.send(handshake + "\n");
  return client.read_line(2s);
}

struct listener {
  wire_format format;
  std::unique_ptr<tcp_client> socket;
  std::string heard;
};

// What `out` heard of a stream sent as `sent` in `in`: the backplane holds `sent` rounded to 16
// bits (exact from s16, within 1 LSB of it after dither from the wider formats), mono in both
// channels; a mono listener gets the mean of the two. Returns how many frames differ from plain
// rounding (the dither at work).
std::size_t check_heard(const wire_format& in, const std::string& sent, const listener& out) {
  const auto reference = wire_samples(in, sent);
  const auto& ref_left = reference[0];
  const auto& ref_right = reference[in.channels == 2 ? 1 : 0];
  const auto heard = wire_samples(out.format, out.heard);
  const std::size_t start = first_sound(heard);
  INFO("sent " << handshake_words(in) << ", heard " << handshake_words(out.format));
  REQUIRE(heard[0].size() >= start + frames_sent);
  // After dither, 1 LSB off; an s16 mean of dithered samples is rounded once more: 1.5 LSB.
  const double tolerance = is_wide(in) ? 1 : 0;
  const double mono_tolerance = is_wide(in) && out.format.sample == "s16le" ? 1.5 : tolerance;
  std::size_t dithered = 0;
  double excess = 0;  // the most any sample is further off than it may be
  for (std::size_t i = 0; i < frames_sent; ++i) {
    const double left = std::round(ref_left[i]);
    const double right = std::round(ref_right[i]);
    if (out.format.channels == 2) {
      excess = std::max({excess, std::abs(heard[0][start + i] - left) - tolerance,
                         std::abs(heard[1][start + i] - right) - tolerance});
      dithered += heard[0][start + i] != left || heard[1][start + i] != right;
    } else if (out.format.sample == "s16le" && !is_wide(in)) {
      excess = std::max(excess, std::abs(heard[0][start + i] - mean_half_even(left, right)));
    } else {
      excess = std::max(excess, std::abs(heard[0][start + i] - (left + right) / 2) - mono_tolerance);
    }
  }
  CHECK(excess <= 0);
  return dithered;
}

}  // namespace

TEST_CASE("SEND and LISTEN in every format, mono and stereo: s16 exact, s24, s32 and f32 within 1 LSB") {
  test_server server;
  const auto formats = every_wire_format();
  const auto left = sine(441.3, 0.5, 0.3);
  const auto right = sine(662.7, 0.4, 1.0);
  // Each input is heard in its own format, with the other channel count, and as the backplane holds it.
  std::vector<std::vector<listener>> listeners(formats.size());
  for (std::size_t i = 0; i < formats.size(); ++i) {
    const std::string name = "IN" + std::to_string(i);
    REQUIRE(server.command("input add " + name).ok());
    for (const wire_format& out :
         {formats[i], wire_format{formats[i].sample, 3 - formats[i].channels}, wire_format{"s16le", 2}}) {
      listener l{out, std::make_unique<tcp_client>(server.stream_port), {}};
      l.socket->send("LISTEN " + name + " " + handshake_words(out) + "\n");
      REQUIRE(l.socket->read_line(2s) == "OK " + handshake_words(out));
      listeners[i].push_back(std::move(l));
    }
  }
  std::vector<std::string> sent;
  std::vector<std::unique_ptr<tcp_client>> senders;
  for (std::size_t i = 0; i < formats.size(); ++i) {
    sent.push_back(wire_pcm(formats[i], left, right));
    senders.push_back(std::make_unique<tcp_client>(server.stream_port));
    senders.back()->send("SEND IN" + std::to_string(i) + " " + handshake_words(formats[i]) + "\n" +
                         sent.back());
    CHECK(senders.back()->read_line(2s) == "OK");
    // Gone once all is sent: the input plays out every frame of this burst (a sender that stayed would
    // be judged by its pace, and a burst far above the target may be trimmed).
    senders.back().reset();
  }
  std::vector<std::thread> readers;
  for (auto& group : listeners) {
    for (auto& l : group) readers.emplace_back([&l] { l.heard = l.socket->read_for(2500ms); });
  }
  for (auto& t : readers) t.join();
  for (std::size_t i = 0; i < formats.size(); ++i) {
    for (const auto& l : listeners[i]) {
      const std::size_t dithered = check_heard(formats[i], sent[i], l);
      // The wider formats' extra bits were dithered away, not truncated: about a quarter of the samples
      // moved.
      if (is_wide(formats[i]) && l.format.channels == 2) CHECK(dithered > frames_sent / 10);
      if (!is_wide(formats[i])) CHECK(dithered == 0);
    }
  }
}

TEST_CASE("a format the server cannot take: ERR 400 with the reason, then close, and nothing created") {
  test_server server;
  REQUIRE(server.command("mix add M").ok());
  const std::pair<const char*, const char*> refusals[] = {
      {"SEND A s8 44100 2", "ERR 400 unsupported format s8 (expected s16le, s24le, s32le or f32le)"},
      {"SEND A f32le 4000 1", "ERR 400 unsupported rate 4000 (expected 8000 to 192000)"},
      {"SEND A s24le 44100 3", "ERR 400 unsupported channels 3 (expected 1 or 2)"},
      {"LISTEN M s32le 384000 1", "ERR 400 unsupported rate 384000 (expected 8000 to 192000)"},
      {"LISTEN M f64le 44100 2", "ERR 400 unsupported format f64le (expected s16le, s24le, s32le or f32le)"},
      {"LISTEN M s16le 44100",
       "ERR 400 expected SEND NAME [FORMAT RATE CHANNELS] or LISTEN NAME [FORMAT RATE CHANNELS]"},
  };
  for (const auto& [handshake, answer] : refusals) {
    tcp_client client(server.stream_port);
    client.send(std::string(handshake) + "\n");
    CHECK(client.read_line(2s) == answer);
    CHECK(client.wait_closed(2s));
  }
  CHECK(server.command("list").data == std::vector<std::string>{"mix M state=on sources=0 listeners=0"});
}

TEST_CASE("the formats follow --rate: a handshake without a format gets the engine's rate, any other is resampled") {
  test_server server({"--rate", "48000"});
  CHECK(first_answer(server, "SEND A s24le 48000 1") == "OK");
  CHECK(first_answer(server, "LISTEN A") == "OK s16le 48000 2");
  CHECK(first_answer(server, "LISTEN A f32le 44100 1") == "OK f32le 44100 1");
}
