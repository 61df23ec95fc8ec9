// docs/PROTOCOL.md §11, latency held: an evenly paced sender's buffer comes down from the margin it joined
// with (sized for a start whose jitter is unknown) to the target its packets need within 5 s, stays
// there, and its tone never breaks on the way down or back to bit-exact passthrough.

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <string>

#include "tests/support/audio_analysis.hpp"
#include "tests/support/paced_sender.hpp"
#include "tests/support/sanitizers.hpp"
#include "tests/support/stall_watch.hpp"
#include "tests/support/tcp_client.hpp"
#include "tests/support/test_server.hpp"

using namespace mixmatrix::test;
using namespace std::chrono_literals;

namespace {

void level_held(std::size_t chunk_frames) {
  test_server server({"--latency", "10"});
  REQUIRE(server.command("input add DJ1").ok());
  REQUIRE(server.command("mix add main").ok());
  REQUIRE(server.command("route main DJ1").ok());
  auto listener = server.listen("main");
  paced_sender sender(server.stream_port, sine_pcm(1000, 0.5, 1.0), "SEND DJ1\n", 0.0, chunk_frames);
  REQUIRE(server.wait_live("DJ1"));
  const auto joined = std::chrono::steady_clock::now();
  const double chunk_ms = static_cast<double>(chunk_frames) * 1000.0 / 44100.0;
  const double block_ms = 256 * 1000.0 / 44100.0;
  std::string pcm;
  std::string show = server.command("show DJ1").data.at(0);
  // An underrun or skip is the server's only where this machine did not stall for half the target
  // (a skip: 25 ms, half the gross excess) or more just before it: a stall of the whole machine
  // empties any buffer that is not far longer.
  const stall_watch machine;
  int excused = 0;
  auto before_at = stall_watch::clock::now();
  while (std::chrono::steady_clock::now() - joined < 15s) {
    pcm += listener.read_for(250ms);
    const std::string before = show;
    show = server.command("show DJ1").data.at(0);
    const auto now = stall_watch::clock::now();
    const double stall = machine.longest_ms(before_at - 250ms, now);
    before_at = now;
    if (show_field(show, "underruns") > show_field(before, "underruns")) {
      CHECK_MESSAGE(stall >= show_field(show, "target_ms") / 2,
                    "an underrun, the machine's longest stall " << stall << " ms: " << show);
      ++excused;
    }
    if (show_field(show, "skipped_ms") > show_field(before, "skipped_ms")) {
      CHECK_MESSAGE(stall >= 25, "a skip, the machine's longest stall " << stall << " ms: " << show);
      ++excused;
    }
    if (std::chrono::steady_clock::now() - joined < 5s || sanitized_build) continue;
    // Within a chunk and a block of the target, and the jitter the target allows for (where the
    // level rests a late packet finds it that much lower), and a millisecond of show's rounding.
    const double level = show_field(show, "buffered_ms"), target = show_field(show, "target_ms");
    const double jitter = show_field(show, "jitter_ms");
    CHECK_MESSAGE(std::abs(level - target) <= chunk_ms + block_ms + jitter + 1, show);
  }
  MESSAGE(show);
  // --latency is the floor, not the level: the target is what the packets (the chunks, or what TCP
  // coalesced of them) and their measured jitter need and a block (and 2 ms of rounding), or the floor.
  const double needs = show_field(show, "packet_ms") + show_field(show, "jitter_ms") + block_ms + 2;
  CHECK(show_field(show, "target_ms") <= std::max(10.0, needs));
  // From 10 ms after the first sound (its onset from silence is no break) to the end.
  const std::string heard = from_first_sound(pcm).substr(441 * 4);
  CHECK(heard.size() > 14 * 176400);
  if (excused > 0) {
    MESSAGE(excused << " underruns or skips after the machine stalled: the wave is not checked");
    return;
  }
  CHECK(show_field(show, "ratio") == 1.0);  // the descent, a trim, ends back on the ring's own frames
  CHECK(longest_silence_frames(heard) < 2);
  CHECK(worst_sine_break(heard, 1000) < 200.0);
}

}  // namespace

TEST_CASE(
    "latency held: a sender paced in 10 ms chunks at --latency 10 comes down to its target within 5 s, "
    "unbroken") {
  level_held(441);
}

TEST_CASE(
    "latency held: a sender paced in 2 ms chunks at --latency 10 comes down to its target within 5 s, "
    "unbroken") {
  level_held(88);
}
