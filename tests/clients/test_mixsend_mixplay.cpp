#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
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
// Three seconds of a steady 1 kHz tone at -6 dBFS, played by `mixplay M --seconds 3` on a card-paced
// ALSA device; what the card played (DIR/card.raw); mixplay's output in DIR/play.txt.
std::string play_tone_on_paced_card(const std::string& dir) {
  test_server server;
  server.command("input add T tone 1000 -6");
  server.command("mix add M");
  server.command("route M T");
  const std::string command = "ALSA_CONFIG_PATH=" + paced_card_alsa_config(dir) + " " MIXPLAY_PATH
                              " M --seconds 3 --server 127.0.0.1:" + std::to_string(server.stream_port) +
                              " > " + dir + "/play.txt 2>&1";
  REQUIRE(run_shell(command, 20s) == 0);
  return read_file(dir + "/card.raw");
}
}  // namespace

TEST_CASE("mixsend --fast FILE -> server -> mixplay --out FILE at unity gain is bit-exact") {
  const auto dir = temp_dir();
  const std::string pcm = noise_pcm(2.0);
  std::ofstream(dir + "/in.wav", std::ios::binary) << wav_file(pcm);
  test_server server;
  REQUIRE(server.command("input add IN").ok());
  REQUIRE(server.command("mix add OUT").ok());
  REQUIRE(server.command("route OUT IN").ok());
  const std::string at = "127.0.0.1:" + std::to_string(server.stream_port);
  child_process play({MIXPLAY_PATH, "OUT", "--server", at, "--out", dir + "/out.wav", "--seconds", "3.5"}, dir + "/play.txt");
  std::this_thread::sleep_for(300ms);
  // --fast: TCP paces it and nothing can underrun, so the check holds however loaded the machine is
  // (a real-time sender on a starved machine gets silence for its late frames, as it should).
  child_process send({MIXSEND_PATH, "IN", dir + "/in.wav", "--server", at, "--once", "--fast"}, dir + "/send.txt");
  CHECK(send.wait(10s) == 0);
  CHECK(play.wait(10s) == 0);
  const std::string heard = wav_payload(read_file(dir + "/out.wav"));
  CHECK(heard.size() == static_cast<std::size_t>(3.5 * 44100) * 4);
  const std::string sound = from_first_sound(heard);
  REQUIRE(sound.size() >= pcm.size());
  CHECK(sound.compare(0, pcm.size(), pcm) == 0);
  CHECK(read_file(dir + "/play.txt").find("wrote 154350 frames") != std::string::npos);
}

TEST_CASE("mixsend of a 48 kHz file: the server resamples it, and it is heard at its pitch and as long") {
  const auto dir = temp_dir();
  std::ofstream(dir + "/48k.wav", std::ios::binary) << wav_file(sine_pcm(1000, 0.5, 1.0, 48000), 48000);
  test_server server;
  REQUIRE(server.command("input add IN").ok());
  const std::string at = "127.0.0.1:" + std::to_string(server.stream_port);
  child_process play({MIXPLAY_PATH, "IN", "--server", at, "--out", dir + "/out.wav", "--seconds", "2.5"}, dir + "/play.txt");
  std::this_thread::sleep_for(300ms);
  child_process send({MIXSEND_PATH, "IN", dir + "/48k.wav", "--server", at, "--once", "--fast"}, dir + "/send.txt");
  CHECK(send.wait(10s) == 0);
  CHECK(play.wait(10s) == 0);
  const auto left = channel_samples(sound_span(wav_payload(read_file(dir + "/out.wav"))), 0);
  // Its second is 44100 frames here, give or take the filter's ringing after the sine's abrupt end.
  CHECK(std::abs(static_cast<double>(left.size()) - 44100) <= 32);
  CHECK(tone_dbfs(left, 44100, 1000) == doctest::Approx(-6.02).epsilon(0.01));
}

TEST_CASE("mixplay --raw writes PCM to stdout for --seconds, mixsend --tone feeds an input") {
  const auto dir = temp_dir();
  test_server server;
  REQUIRE(server.command("mix add OUT").ok());
  const std::string at = "127.0.0.1:" + std::to_string(server.stream_port);
  child_process tone({MIXSEND_PATH, "T", "--tone", "1000", "--level", "-6", "--server", at}, dir + "/send.txt");
  std::this_thread::sleep_for(300ms);
  REQUIRE(server.command("route OUT T").ok());
  CHECK(server.wait_settled("T"));  // down from its start's margin: the tone at its own pitch again
  REQUIRE(run_shell(std::string(MIXPLAY_PATH) + " OUT --raw --seconds 1 --server " + at + " > " + dir + "/out.raw", 10s) == 0);
  const std::string heard = read_file(dir + "/out.raw");
  CHECK(heard.size() == 44100 * 4);
  CHECK(tone_dbfs(channel_samples(heard, 0), 44100, 1000) == doctest::Approx(-6.02).epsilon(0.02));
  tone.signal(15);
}

TEST_CASE("the clients say what is wrong and exit non-zero") {
  const auto dir = temp_dir();
  const auto out = dir + "/out.txt";
  CHECK(run_shell(std::string(MIXSEND_PATH) + " > " + out + " 2>&1") == 2);
  CHECK(read_file(out).starts_with("mixsend: "));
  CHECK(run_shell(std::string(MIXSEND_PATH) + " IN /nonexistent.wav > " + out + " 2>&1") == 2);
  CHECK(read_file(out).find("/nonexistent.wav") != std::string::npos);
  CHECK(run_shell(std::string(MIXPLAY_PATH) + " X --seconds soon > " + out + " 2>&1") == 2);
  CHECK(run_shell(std::string(MIXPLAY_PATH) + " X --out a.xyz --server 127.0.0.1:" + std::to_string(free_port()) + " > " +
                  out + " 2>&1") == 1);
  CHECK(run_shell(std::string(MIXSEND_PATH) + " --help > " + out) == 0);
  CHECK(run_shell(std::string(MIXPLAY_PATH) + " --version > " + out) == 0);
  CHECK(read_file(out) == "mixplay " MIXMATRIX_VERSION "\n");
  test_server server;
  server.command("mix add M");
  CHECK(run_shell(std::string(MIXSEND_PATH) + " M --tone 440 --once --server 127.0.0.1:" +
                  std::to_string(server.stream_port) + " > " + out + " 2>&1") == 1);
  CHECK(read_file(out).find("ERR 409") != std::string::npos);
  // Devices listed, or said to be none: never an empty success.
  const int listed = run_shell(std::string(MIXPLAY_PATH) + " --list-devices > " + out + " 2>&1");
  if (listed == 0) {
    CHECK(!read_file(out).empty());
  } else {
    CHECK(listed == 1);
    CHECK(read_file(out) == "mixplay: no sound devices\n");
  }
}

TEST_CASE("mixplay plays through PortAudio: ALSA's file plugin, paced like a sound card, captures the mix") {
  const auto dir = temp_dir();
  const std::string played = play_tone_on_paced_card(dir);
  REQUIRE(played.size() >= 3 * 44100 * 4);
  // The device plays silence while its buffer fills (the pipe in front of the pacer swallows 64 KiB
  // at once) and from the end of the stream until it is stopped; between them the card's clock paces
  // the ring and the tone is whole.
  const std::string steady = played.substr(played.size() - 13 * 44100 * 4 / 10, 44100 * 4);
  CHECK(longest_silence_frames(steady) <= 1);
  CHECK(tone_dbfs(channel_samples(steady, 0), 44100, 1000) == doctest::Approx(-6.02).epsilon(0.02));
  CHECK(read_file(dir + "/play.txt").find("underruns") != std::string::npos);
}

TEST_CASE("mixplay leaves no gap after its first audio while the device takes its first buffer at once") {
  const auto dir = temp_dir();
  // The pipe in front of the pacer swallows 64 KiB (370 ms) at once, as a device's own buffer fills
  // at its start: mixplay must give it silence, not the first of its audio, until it plays in real time.
  const std::string span = sound_span(play_tone_on_paced_card(dir));
  const std::size_t gap = longest_silence_frames(span);
  INFO("longest silence inside the played span: ", gap * 1000 / 44100, " ms");
  CHECK(gap <= 44100 * static_cast<std::size_t>(gap_bound(50ms).count()) / 1000);
  CHECK(span.size() >= 29 * 44100 * 4 / 10);  // the whole three seconds, not its tail
}

TEST_CASE("mixplay's stderr holds only its own lines: PortAudio's probing of ALSA and JACK is not shown") {
  const auto dir = temp_dir();
  test_server server;
  server.command("mix add M");
  // The machine's own ALSA configuration (without a card every probed PCM is an error), and a JACK
  // server that surely is not there.
  const std::string env = "env -u ALSA_CONFIG_PATH JACK_DEFAULT_SERVER=mixmatrix-test-none ";
  const std::string play = " M --seconds 0.5 --server 127.0.0.1:" + std::to_string(server.stream_port);
  const int status = run_shell(env + MIXPLAY_PATH + play + " > /dev/null 2> " + dir + "/play.txt", 20s);
  CHECK((status == 0 || status == 1));  // played on a sound card, or "no sound device"
  const std::string said = read_file(dir + "/play.txt");
  REQUIRE_FALSE(said.empty());
  std::istringstream lines(said);
  for (std::string line; std::getline(lines, line);) CHECK_MESSAGE(line.starts_with("mixplay: "), line);
  // Devices listed (nothing on stderr), or none: then one line saying so.
  const int listed = run_shell(env + MIXPLAY_PATH " --list-devices > /dev/null 2> " + dir + "/list.txt", 20s);
  CHECK(read_file(dir + "/list.txt") == (listed == 0 ? "" : "mixplay: no sound devices\n"));
}
