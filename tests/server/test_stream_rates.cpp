#include <doctest/doctest.h>

#include <cmath>
#include <memory>
#include <numbers>
#include <thread>
#include <vector>

#include "tests/support/audio_analysis.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/sanitizers.hpp"
#include "tests/support/stall_watch.hpp"
#include "tests/support/tcp_client.hpp"
#include "tests/support/test_server.hpp"
#include "tests/support/wire_pcm.hpp"

using namespace mixmatrix::test;
using namespace std::chrono_literals;

namespace {

// A stream at a rate and a wire format, as a handshake or a raw port names it.
struct stream {
  wire_format format;
  unsigned rate;
};

std::vector<double> sine(double hz, double amplitude, double seconds, double rate) {
  std::vector<double> x(static_cast<std::size_t>(seconds * rate));
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = amplitude * std::sin(2 * std::numbers::pi * hz * static_cast<double>(i) / rate);
  return x;
}

// Frames from the first sound to the last, both included.
std::size_t sounding_frames(const std::vector<double>& samples) {
  std::size_t first = 0, last = samples.size();
  while (first < samples.size() && samples[first] == 0) ++first;
  while (last > first && samples[last - 1] == 0) --last;
  return last - first;
}

// The steady middle of what sounds: from a quarter of it to three quarters.
std::vector<double> steady_middle(const std::vector<double>& samples) {
  std::size_t first = 0;
  while (first < samples.size() && samples[first] == 0) ++first;
  const std::size_t length = sounding_frames(samples);
  return {samples.begin() + static_cast<std::ptrdiff_t>(first + length / 4),
          samples.begin() + static_cast<std::ptrdiff_t>(first + length * 3 / 4)};
}

}  // namespace

TEST_CASE("SEND at 8 to 192 kHz in every format, mono and stereo: heard at 44.1 kHz at its pitch and level, as long as it was sent") {
  // Ten bursts converted on the one network thread: a sanitizer's tenfold cost made that slower
  // than real time beside another test, and inputs ran dry in mid-tone. There, four of the rates
  // (the lowest, the highest, two between: up and down, every format's code) and a deeper start
  // keep the claim (every frame, once, in order) within what the machine converts in real time.
  test_server server(sanitized_build ? std::vector<std::string>{"--latency", "600", "--input-buffer", "3000"}
                                     : std::vector<std::string>{});
  const std::vector<unsigned> rates =
      sanitized_build
          ? std::vector<unsigned>{8000, 22050, 48000, 192000}
          : std::vector<unsigned>{8000, 11025, 16000, 22050, 32000, 48000, 88200, 96000, 176400, 192000};
  const auto formats = every_wire_format();
  std::vector<stream> streams;
  for (std::size_t i = 0; i < rates.size(); ++i) streams.push_back({formats[i % formats.size()], rates[i]});
  std::vector<std::unique_ptr<tcp_client>> listeners;
  for (std::size_t i = 0; i < streams.size(); ++i) {
    const std::string name = "IN" + std::to_string(i);
    REQUIRE(server.command("input add " + name).ok());
    listeners.push_back(std::make_unique<tcp_client>(server.stream_port));
    listeners.back()->send("LISTEN " + name + "\n");
    REQUIRE(listeners.back()->read_line(2s) == "OK s16le 44100 2");
  }
  for (std::size_t i = 0; i < streams.size(); ++i) {
    // One second of 1 kHz at half of full scale, left and right apart by their phase only.
    const auto tone = sine(1000, 0.5, 1.0, streams[i].rate);
    tcp_client sender(server.stream_port);
    sender.send("SEND IN" + std::to_string(i) + " " + handshake_words(streams[i].format, streams[i].rate) + "\n" +
                wire_pcm(streams[i].format, tone, tone));
    REQUIRE(sender.read_line(2s) == "OK");
    // Gone once all is sent: the input plays out every frame of the burst.
  }
  std::vector<std::string> heard(streams.size());
  std::vector<std::thread> readers;
  const auto listening = sanitized_build ? 3500ms : 2500ms;
  for (std::size_t i = 0; i < streams.size(); ++i)
    readers.emplace_back([&, i] { heard[i] = listeners[i]->read_for(listening); });
  for (auto& t : readers) t.join();
  for (std::size_t i = 0; i < streams.size(); ++i) {
    INFO("sent " << handshake_words(streams[i].format, streams[i].rate));
    for (const int ch : {0, 1}) {
      const auto samples = channel_samples(heard[i], ch);
      // A second at any rate is a second here: 44100 frames, to the frame (the dither of the wide
      // formats may leave a sample of silence at either end as it is).
      CHECK(std::abs(static_cast<double>(sounding_frames(samples)) - 44100) <= 2);
      const tone_fit fit = fit_tone(steady_middle(samples), 44100, 1000);
      CHECK(fit.dbfs == doctest::Approx(20 * std::log10(0.5)).epsilon(0.1 / 6.02));
      CHECK(fit.rest_db < -70.0);
    }
  }
}

TEST_CASE("LISTEN at 8 to 192 kHz in every format: the mix arrives at the listener's rate, at its pitch and level") {
  test_server server;
  REQUIRE(server.command("input add T tone 1000 -6").ok());
  std::vector<stream> streams{{{"s16le", 2}, 48000}, {{"f32le", 1}, 22050},  {{"s24le", 2}, 96000},
                              {{"s16le", 1}, 8000},  {{"s32le", 2}, 192000}, {{"f32le", 2}, 32000}};
  // A sanitized network thread converting all six fell behind and its 192 kHz listener lost blocks
  // (a timing matter): there, the first four.
  if (sanitized_build) streams.resize(4);
  std::vector<std::unique_ptr<tcp_client>> listeners;
  for (const auto& s : streams) {
    listeners.push_back(std::make_unique<tcp_client>(server.stream_port));
    const std::string words = handshake_words(s.format, s.rate);
    listeners.back()->send("LISTEN T " + words + "\n");
    REQUIRE(listeners.back()->read_line(2s) == "OK " + words);
  }
  std::vector<std::string> heard(streams.size());
  std::vector<std::thread> readers;
  for (std::size_t i = 0; i < streams.size(); ++i) readers.emplace_back([&, i] { heard[i] = listeners[i]->read_for(1500ms); });
  for (auto& t : readers) t.join();
  for (std::size_t i = 0; i < streams.size(); ++i) {
    INFO("heard " << handshake_words(streams[i].format, streams[i].rate));
    const auto samples = wire_samples(streams[i].format, heard[i]);
    // Real time at the listener's rate (the first read takes the history the channel holds): a
    // timing claim, not a sanitized server's (six conversions up to 192 kHz on its network thread).
    if (!sanitized_build) {
      CHECK(static_cast<double>(samples[0].size()) == doctest::Approx(1.5 * streams[i].rate).epsilon(0.15));
    }
    for (const auto& channel : samples) {
      const tone_fit fit = fit_tone(steady_middle(channel), streams[i].rate, 1000);
      CHECK(fit.dbfs == doctest::Approx(-6.0).epsilon(0.1 / 6));
      CHECK(fit.rest_db < -70.0);
    }
  }
}

TEST_CASE("raw ports at other rates: ffmpeg sends 48 kHz mono into an input and reads 96 kHz stereo from a mix") {
  REQUIRE(have_program("ffmpeg"));
  const auto in_port = free_port();
  const auto mix_port = free_port();
  test_server server;
  REQUIRE(server.command("input add IN port " + std::to_string(in_port) + " format s16le 48000 1").ok());
  REQUIRE(server.command("mix add OUT port " + std::to_string(mix_port) + " format f32le 96000 2").ok());
  REQUIRE(server.command("route OUT IN").ok());
  CHECK(server.command("show IN").data.at(0).find(" format=s16le,48000,1 ") != std::string::npos);
  child_process ffmpeg({"ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i",
                        "sine=frequency=1000:sample_rate=48000", "-t", "20", "-f", "s16le", "-ac", "1",
                        "tcp://127.0.0.1:" + std::to_string(in_port)},
                       temp_dir() + "/send.log");
  REQUIRE(server.wait_live("IN"));
  // Down from its start's margin: the tone at its own pitch again. A sanitized server beside the
  // PipeWire test once took longer than the wait (CI, ASan); there the fit below is loose anyway.
  if (!server.wait_settled("IN") && !sanitized_build)
    FAIL_CHECK("IN did not settle: " << server.command("show IN").data.at(0));
  tcp_client raw(mix_port);
  raw.read_for(500ms);
  const auto dir = temp_dir();
  const stall_watch machine;
  const auto from = stall_watch::clock::now();
  REQUIRE(run_shell("ffmpeg -nostdin -loglevel error -f f32le -ar 96000 -ac 2 -i tcp://127.0.0.1:" +
                        std::to_string(mix_port) + " -t 1 -f s16le -y " + dir + "/out.raw",
                    20s) == 0);
  const auto read = wire_samples({"s16le", 2}, read_file(dir + "/out.raw"));
  CHECK(read[0].size() == 96000);
  // A machine that stalled for half the input's 20 ms target empties it whatever the server does
  // (CI saw one such break while builds ran beside): the tone is then not judged.
  if (const double stall = machine.longest_ms(from - 500ms, stall_watch::clock::now()); stall >= 10) {
    MESSAGE("the machine stalled " << stall << " ms: the tone is not checked");
    return;
  }
  // ffmpeg's sine is 1/8 of full scale. Under a sanitizer, stalls make the input trim its level (the
  // pitch 0.2 % off for a while), which the fit at exactly 1 kHz reads lower.
  const tone_fit fit = fit_tone(read[1], 96000, 1000);
  CHECK(fit.dbfs == doctest::Approx(20 * std::log10(1.0 / 8)).epsilon(sanitized_build ? 1.0 / 6 : 0.2 / 18));
  if (!sanitized_build) CHECK(fit.rest_db < -60.0);
}
