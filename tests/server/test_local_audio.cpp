#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/support/alsa_config.hpp"
#include "tests/support/audio_analysis.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/sanitizers.hpp"
#include "tests/support/test_server.hpp"

using namespace mixmatrix::test;
using namespace std::chrono_literals;

namespace {
std::string silence_pcm(double seconds) { return std::string(static_cast<std::size_t>(seconds * 44100) * 4, '\0'); }

std::string field(const std::string& line, const std::string& name) {
  const auto at = line.find(" " + name + "=");
  if (at == std::string::npos) return {};
  const auto from = at + name.size() + 2;
  return line.substr(from, line.find(' ', from) - from);
}
}  // namespace

TEST_CASE("input add NAME file PATH plays the file into the backplane, sample for sample, then ends") {
  const auto dir = temp_dir();
  const std::string noise = noise_pcm(1.0, 7);
  // A silent lead-in, so the recording below surely starts before the first sound.
  std::ofstream(dir + "/take.wav", std::ios::binary) << wav_file(silence_pcm(0.5) + noise);
  test_server server;
  REQUIRE(server.command("input add F file " + dir + "/take.wav").ok());
  REQUIRE(server.command("record F " + dir + "/heard.wav").ok());
  CHECK(server.command("list").data.at(0).starts_with("input F state=file path=" + dir + "/take.wav loop=no"));
  std::this_thread::sleep_for(2s);
  const auto shown = server.command("show F").data.at(0);
  CHECK(shown.starts_with("input F state=ended"));
  CHECK(field(shown, "bytes") == std::to_string(noise.size() + silence_pcm(0.5).size()));
  REQUIRE(server.command("stop F").ok());
  const std::string heard = from_first_sound(wav_payload(read_file(dir + "/heard.wav")));
  REQUIRE(heard.size() >= noise.size());
  CHECK(heard.substr(0, noise.size()) == noise);
  CHECK(heard.find_first_not_of('\0', noise.size()) == std::string::npos);  // silence after the end
}

TEST_CASE("a looping file input starts again at its end, and is saved with the scene") {
  const auto dir = temp_dir();
  std::ofstream(dir + "/short loop.wav", std::ios::binary) << wav_file(sine_pcm(500, 0.5, 0.25));
  test_server server;
  REQUIRE(server.command("input add L file \"" + dir + "/short loop.wav\" loop").ok());
  server.command("mix add M");
  server.command("route M L");
  std::this_thread::sleep_for(1500ms);
  const auto shown = server.command("show L").data.at(0);
  CHECK(shown.starts_with("input L state=file"));
  CHECK(field(shown, "loop") == "yes");
  CHECK(std::stoul(field(shown, "frames")) > 3 * 11025);  // played more than the file's 0.25 s, three times over
  CHECK(server.command("show M").data.at(0).find(" clips=0") != std::string::npos);
  REQUIRE(server.command("save " + dir + "/scene.mix").ok());
  CHECK(read_file(dir + "/scene.mix").find("input add L file \"" + dir + "/short loop.wav\" loop\n") != std::string::npos);
  REQUIRE(server.command("record M " + dir + "/m.wav").ok());
  std::this_thread::sleep_for(1s);
  REQUIRE(server.command("stop M").ok());
  const std::string pcm = wav_payload(read_file(dir + "/m.wav"));
  CHECK(tone_dbfs(channel_samples(pcm, 1), 44100, 500) == doctest::Approx(-6.02).epsilon(0.02));
  CHECK(longest_silence_frames(pcm) <= 1);  // no gap where the file starts again
}

TEST_CASE("a file input at another rate is resampled: a 48 kHz file plays at its pitch and lasts as long") {
  const auto dir = temp_dir();
  std::ofstream(dir + "/48k.wav", std::ios::binary)
      << wav_file(silence_pcm(0.25) + sine_pcm(500, 0.5, 1.0, 48000), 48000);
  test_server server;
  REQUIRE(server.command("input add F file " + dir + "/48k.wav").ok());
  REQUIRE(server.command("record F " + dir + "/heard.wav").ok());
  std::this_thread::sleep_for(2s);
  CHECK(server.command("show F").data.at(0).starts_with("input F state=ended"));
  REQUIRE(server.command("stop F").ok());
  const auto left = channel_samples(sound_span(wav_payload(read_file(dir + "/heard.wav"))), 0);
  // One second at 48 kHz is 44100 frames here, give or take the filter's ringing around the sine's
  // abrupt start and end (half its 64 taps).
  CHECK(std::abs(static_cast<double>(left.size()) - 44100) <= 32);
  const std::vector<double> middle(left.begin() + 11025, left.end() - 11025);
  const tone_fit fit = fit_tone(middle, 44100, 500);
  CHECK(fit.dbfs == doctest::Approx(-6.02).epsilon(0.01));
  CHECK(fit.rest_db < -70.0);
}

TEST_CASE("a file input that cannot be played is refused with the reason") {
  const auto dir = temp_dir();
  std::ofstream(dir + "/4k.wav", std::ios::binary) << wav_file(sine_pcm(500, 0.5, 0.1, 4000), 4000);
  std::ofstream(dir + "/junk.wav") << "not a sound file";
  test_server server;
  CHECK(server.command("input add F file " + dir + "/missing.wav").status.starts_with("ERR 400 " + dir + "/missing.wav"));
  CHECK(server.command("input add F file " + dir + "/junk.wav").status.starts_with("ERR 400"));
  CHECK(server.command("input add F file " + dir + "/4k.wav").status ==
        "ERR 400 " + dir + "/4k.wav: 4000 Hz (files from 8000 to 192000 Hz are played)");
  CHECK(server.command("list").data.empty());
  server.command("input add T tone 440");
  CHECK(server.command("input add T file " + dir + "/4k.wav").status == "ERR 409 name T exists");
}

TEST_CASE("play MIX sends the mix to the sound device through PortAudio: ALSA's file plugin captures it") {
  const auto dir = temp_dir();
  // The server inherits this environment; each test case runs in its own process.
  ::setenv("ALSA_CONFIG_PATH", paced_card_alsa_config(dir).c_str(), 1);
  test_server server;
  server.command("input add T tone 1000 -6");
  server.command("mix add M");
  server.command("route M T");
  const auto devices = server.command("devices");
  REQUIRE(devices.ok());
  REQUIRE_FALSE(devices.data.empty());
  CHECK(devices.data[0].find(" default (ALSA)") != std::string::npos);
  CHECK(server.command("play NOPE").status == "ERR 404 no such channel NOPE");
  CHECK(server.command("play M \"no such card\"").status == "ERR 503 no sound device matches 'no such card'");
  REQUIRE(server.command("play M").ok());
  CHECK(server.command("play M").status == "ERR 409 M is already playing on default");
  control_client other(server.control_port);
  CHECK(other.command("ping").status == "OK pong");  // the device is not in the network thread's way
  std::this_thread::sleep_for(3s);
  const auto show = server.command("show M");
  REQUIRE(show.data.size() == 3);
  CHECK(show.data[2].starts_with("playing default frames="));
  const auto stopped = server.command("stop M");
  REQUIRE(stopped.ok());
  REQUIRE(stopped.data.size() == 1);
  CHECK(stopped.data[0].starts_with("played default: "));
  CHECK(server.command("stop M").status == "ERR 404 M is not recording or playing");
  const std::string played = read_file(dir + "/card.raw");
  REQUIRE(played.size() >= 2 * 44100 * 4);
  // As for mixplay: the pipe in front of the pacer swallows its first 64 KiB at once, so judge
  // the last second the card played.
  const std::string steady = played.substr(played.size() - 44100 * 4, 44100 * 4);
  CHECK(longest_silence_frames(steady) <= 1);
  // Within 1 dB: on a shared VM the pacer or the server is now and then woken late, and the callback
  // then skips or repeats a block (counted), which spreads a little of the tone's energy.
  CHECK(tone_dbfs(channel_samples(steady, 0), 44100, 1000) == doctest::Approx(-6.02).epsilon(1.0 / 6));
  // Nor is there a gap after the first sound: the device takes its first 64 KiB at once, before the
  // callback has its margin of blocks, so it gets silence then (mixplay's start-up gap, #16).
  const std::string span = sound_span(played);
  INFO("longest silence inside the played span: ", longest_silence_frames(span) * 1000 / 44100, " ms");
  CHECK(longest_silence_frames(span) <= 44100 * static_cast<std::size_t>(gap_bound(50ms).count()) / 1000);
  CHECK(span.size() >= 2 * 44100 * 4);
}

TEST_CASE("devices and play probe the sound devices without PortAudio's ALSA and JACK chatter in the log") {
  // The machine's own ALSA configuration (without a card every probed PCM is an error), and a JACK
  // server that surely is not there.
  ::unsetenv("ALSA_CONFIG_PATH");
  ::setenv("JACK_DEFAULT_SERVER", "mixmatrix-test-none", 1);
  test_server server;
  server.command("mix add M");
  CHECK(server.command("devices").ok());
  CHECK(server.command("play M \"no such card\"").status == "ERR 503 no sound device matches 'no such card'");
  REQUIRE(server.stop() == 0);
  const std::string log = server.log();
  const std::regex own_line(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (error|warn |info |debug) .*)");
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) CHECK_MESSAGE(std::regex_match(line, own_line), line);
}

TEST_CASE("commands sent in one packet around a device command are answered in order") {
  const auto dir = temp_dir();
  test_server server;
  server.command("input add T tone 440");
  control_client client(server.control_port);
  // stop answers from the device thread's side of the server; the lines after it wait their turn.
  client.socket().send("record T " + dir + "/t.wav\nstop T\nping\nstop T\nshow NOPE\nping\n");
  std::vector<std::string> lines;
  while (lines.size() < 7) {
    auto line = client.socket().read_line(5s);
    REQUIRE(line);
    lines.push_back(*line);
  }
  CHECK(lines[0] == "OK recording to " + dir + "/t.wav");
  CHECK(lines[1].starts_with("recorded " + dir + "/t.wav: "));
  CHECK(lines[2] == "OK");
  CHECK(lines[3] == "OK pong");
  CHECK(lines[4] == "ERR 404 T is not recording or playing");
  CHECK(lines[5] == "ERR 404 no such channel NOPE");
  CHECK(lines[6] == "OK pong");
}

TEST_CASE("stop and play in a scene file run there, waiting for the device") {
  const auto dir = temp_dir();
  std::ofstream(dir + "/scene.mix") << "input add T tone 440\nrecord T " << dir << "/t.wav\nstop T\nplay NOPE\n";
  test_server server;
  const auto loaded = server.command("load " + dir + "/scene.mix");
  CHECK(loaded.status == "ERR 404 " + dir + "/scene.mix:4: play NOPE: no such channel NOPE");
  CHECK(wav_payload(read_file(dir + "/t.wav")).size() % 4 == 0);  // stopped: a complete file
  CHECK(server.command("stop T").status == "ERR 404 T is not recording or playing");
}
