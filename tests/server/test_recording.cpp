#include <doctest/doctest.h>

#include <signal.h>

#include <thread>

#include "tests/support/audio_analysis.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/test_server.hpp"

using namespace mixmatrix::test;
using namespace std::chrono_literals;

TEST_CASE("record and stop: the file has the mix, at the right length, rate and channels") {
  const auto dir = temp_dir();
  test_server server;
  server.command("input add T tone 1000 -6");
  server.command("mix add M");
  server.command("route M T");
  std::this_thread::sleep_for(100ms);  // past the new route's fade-in
  REQUIRE(server.command("record M " + dir + "/take.wav").ok());
  CHECK(server.command("record M " + dir + "/other.wav").status.starts_with("ERR 409 M is already recording"));
  std::this_thread::sleep_for(1500ms);
  auto stopped = server.command("stop M");
  REQUIRE(stopped.ok());
  REQUIRE(stopped.data.size() == 1);
  CHECK(stopped.data[0].starts_with("recorded " + dir + "/take.wav: "));
  CHECK(stopped.data[0].ends_with(" 0 overruns"));
  const std::string wav = read_file(dir + "/take.wav");
  CHECK(wav.compare(0, 4, "RIFF") == 0);
  CHECK(wav.compare(22, 2, std::string("\x02\x00", 2)) == 0);       // two channels
  CHECK(wav.compare(24, 4, std::string("\x44\xac\x00\x00", 4)) == 0);  // 44100 Hz
  const std::string pcm = wav_payload(wav);
  CHECK(pcm.size() == doctest::Approx(1.5 * 176400).epsilon(0.1));
  CHECK(longest_silence_frames(pcm) <= 1);
  CHECK(tone_dbfs(channel_samples(pcm, 0), 44100, 1000) == doctest::Approx(-6.02).epsilon(0.02));
  CHECK(server.command("stop M").status == "ERR 404 M is not recording or playing");
  CHECK(server.command("record M " + dir + "/x.nope").status.starts_with("ERR 503"));
  CHECK(server.command("record NOPE " + dir + "/x.wav").status.starts_with("ERR 404"));
}

TEST_CASE("a recording is finalised by SIGTERM, and flac works too") {
  const auto dir = temp_dir();
  test_server server;
  server.command("input add T tone 440 -12");
  server.command("mix add M");
  server.command("route M T");
  REQUIRE(server.command("record M " + dir + "/take.flac").ok());
  REQUIRE(server.command("record T " + dir + "/input.wav").ok());
  std::this_thread::sleep_for(1s);
  CHECK(server.stop(SIGTERM) == 0);
  CHECK(wav_payload(read_file(dir + "/input.wav")).size() == doctest::Approx(176400).epsilon(0.15));
  if (have_program("sox")) {
    REQUIRE(run_shell("sox " + dir + "/take.flac " + dir + "/take.wav") == 0);
    const std::string pcm = wav_payload(read_file(dir + "/take.wav"));
    CHECK(pcm.size() == doctest::Approx(176400).epsilon(0.15));
    CHECK(tone_dbfs(channel_samples(pcm, 0), 44100, 440) == doctest::Approx(-12.04).epsilon(0.02));
  }
}

TEST_CASE("kill -9 during a recording leaves a WAV that sox reads up to its last second") {
  REQUIRE(have_program("sox"));
  const auto dir = temp_dir();
  test_server server;
  server.command("input add T tone 1000 -6");
  server.command("mix add M");
  server.command("route M T");
  REQUIRE(server.command("record M " + dir + "/take.wav").ok());
  std::this_thread::sleep_for(2600ms);
  server.stop(SIGKILL);
  REQUIRE(run_shell("sox " + dir + "/take.wav -t raw " + dir + "/take.raw") == 0);
  const std::string pcm = read_file(dir + "/take.raw");
  CHECK(pcm.size() >= 176400 * 3 / 2);  // the header was at most a second behind
  CHECK(pcm.size() <= 176400 * 3);
  CHECK(tone_dbfs(channel_samples(pcm, 0), 44100, 1000) == doctest::Approx(-6.02).epsilon(0.05));
}
