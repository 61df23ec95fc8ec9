// The command core's crosspoint changes as the engine hears them (route, unroute, gain, mute, mix
// on/off, SWITCH), its crosspoint queries (QUERY, meters, stats) and salvos.
#include <algorithm>
#include <doctest/doctest.h>

#include <regex>
#include <string>
#include <vector>

#include "core_rig.hpp"

using mixmatrix::test::core_rig;
using mixmatrix::test::peak_of;
using mixmatrix::test::reply_of;
using strings = std::vector<std::string>;

namespace {

// A 1 kHz tone at -6.02 dBFS (peak 16384) routed at 0 dB into mix M, listened to from the next block.
struct tone_into_mix {
  core_rig rig;
  std::unique_ptr<mixmatrix::test::audio_tap> mix;

  tone_into_mix() {
    rig.run("input add T tone 1000 -6.0206");
    rig.run("mix add M");
    rig.run("route M T");
    mix = rig.tap("M");
  }
  // The peak once the change has ramped: the ramp (5 ms) ends within the first block.
  int settled() { return rig.peak_after(*mix, 2); }
};

constexpr int full = 16384;
constexpr int half = 8192;

}  // namespace

TEST_CASE("core: route mixes a source in, routed again it takes the new gain and is unmuted") {
  tone_into_mix t;
  CHECK(t.settled() == doctest::Approx(full).epsilon(0.01));
  CHECK(t.rig.reply("route M T -6.0206") == "OK");
  CHECK(t.settled() == doctest::Approx(half).epsilon(0.01));
  t.rig.run("mute M T");
  CHECK(t.settled() == 0);
  CHECK(t.rig.reply("route M T") == "OK");
  CHECK(t.settled() == doctest::Approx(full).epsilon(0.01));
  CHECK(t.rig.lines_of("show M")[1] == "route T gain=0.00 muted=no");
}

TEST_CASE("core: a mix routed into another is heard there as a submix") {
  tone_into_mix t;
  t.rig.run("mix add MAIN");
  CHECK(t.rig.reply("route MAIN M -6.0206") == "OK");
  auto main = t.rig.tap("MAIN");
  t.rig.process(1);
  main->read();
  CHECK(t.rig.peak_after(*main, 2) == doctest::Approx(half).epsilon(0.01));
  CHECK(t.rig.lines_of("list")[0] == "mix M state=on sources=1 listeners=0");
}

TEST_CASE("core: a route that would make a cycle is 409, into itself and through a submix") {
  core_rig rig;
  rig.run("mix add A");
  rig.run("mix add B");
  rig.run("mix add C");
  CHECK(rig.reply("route A A") == "ERR 409 route A into A would make a cycle");
  rig.run("route B A");
  rig.run("route C B");
  CHECK(rig.reply("route A C") == "ERR 409 route C into A would make a cycle");
  CHECK(rig.reply("SWITCH A C ON") == "ERR 409 route C into A would make a cycle");
  CHECK(rig.lines_of("show A").size() == 1);
}

TEST_CASE("core: route with an unknown mix or source is 404, an input is no mix") {
  core_rig rig;
  rig.run("mix add M");
  rig.run("input add A");
  CHECK(rig.reply("route X A") == "ERR 404 no such mix X");
  CHECK(rig.reply("route M X") == "ERR 404 no such channel X");
  CHECK(rig.reply("route A M") == "ERR 404 no such mix A");
}

TEST_CASE("core: unroute fades the source out, a route that is not there is 404") {
  tone_into_mix t;
  CHECK(t.settled() > 16000);
  CHECK(t.rig.reply("unroute M T") == "OK");
  CHECK(t.settled() == 0);
  t.rig.core.housekeep();  // the faded route leaves the plan; the mix stays silent
  CHECK(t.settled() == 0);
  CHECK(t.rig.lines_of("show M").size() == 1);
  CHECK(t.rig.reply("unroute M T") == "ERR 404 no route T in mix M");
  CHECK(t.rig.reply("unroute X T") == "ERR 404 no such mix X");
}

TEST_CASE("core: gain MIX SOURCE DB sets the crosspoint's level, an unknown mix or route is 404") {
  tone_into_mix t;
  CHECK(t.rig.reply("gain M T -6.0206") == "OK");
  CHECK(t.settled() == doctest::Approx(half).epsilon(0.01));
  CHECK(t.rig.reply("gain M T -inf") == "OK");
  CHECK(t.settled() == 0);
  CHECK(t.rig.lines_of("show M")[1] == "route T gain=-inf muted=no");
  t.rig.run("input add U");
  CHECK(t.rig.reply("gain M U -6") == "ERR 404 no route U in mix M");
  CHECK(t.rig.reply("gain X T -6") == "ERR 404 no such mix X");
}

TEST_CASE("core: gain MIX DB sets the master gain, an unknown mix is 404") {
  tone_into_mix t;
  CHECK(t.rig.reply("gain M -6.0206") == "OK");
  CHECK(t.settled() == doctest::Approx(half).epsilon(0.01));
  CHECK(t.rig.lines_of("show M")[0].starts_with("mix M state=on gain=-6.02 "));
  CHECK(t.rig.reply("gain M -inf") == "OK");
  CHECK(t.settled() == 0);
  CHECK(t.rig.reply("gain X -6") == "ERR 404 no such mix X");
}

TEST_CASE("core: mute silences a crosspoint keeping its gain, unmute brings it back, unrouted is 404") {
  tone_into_mix t;
  t.rig.run("gain M T -6.0206");
  CHECK(t.rig.reply("mute M T") == "OK");
  CHECK(t.settled() == 0);
  CHECK(t.rig.lines_of("show M")[1] == "route T gain=-6.02 muted=yes");
  CHECK(t.rig.reply("unmute M T") == "OK");
  CHECK(t.settled() == doctest::Approx(half).epsilon(0.01));
  t.rig.run("input add U");
  CHECK(t.rig.reply("mute M U") == "ERR 404 no route U in mix M");
  CHECK(t.rig.reply("unmute M U") == "ERR 404 no route U in mix M");
  CHECK(t.rig.reply("mute X T") == "ERR 404 no such mix X");
}

TEST_CASE("core: mix off silences a mix after its ramp and mix on brings it back, unknown is 404") {
  tone_into_mix t;
  CHECK(t.rig.reply("mix off M") == "OK");
  CHECK(t.settled() == 0);
  CHECK(t.rig.lines_of("list")[0] == "mix M state=off sources=1 listeners=0");
  CHECK(t.rig.reply("mix on M") == "OK");
  CHECK(t.settled() == doctest::Approx(full).epsilon(0.01));
  CHECK(t.rig.reply("mix off X") == "ERR 404 no such mix X");
  CHECK(t.rig.reply("mix on T") == "ERR 404 no such mix T");
}

TEST_CASE("core: SWITCH MIX SOURCE ON routes an unrouted source at 0 dB and unmutes a muted one") {
  tone_into_mix t;
  t.rig.run("input add U tone 500");
  t.rig.run("mute M T");
  CHECK(t.rig.reply("SWITCH M U ON") == "OK");
  CHECK(t.rig.lines_of("show M") == strings{"mix M state=on gain=0.00 listeners=0 frames=0 clips=0 drops=0",
                                            "route T gain=0.00 muted=yes", "route U gain=0.00 muted=no"});
  CHECK(t.rig.reply("SWITCH M T ON") == "OK");
  CHECK(t.rig.lines_of("QUERY M ALL") == strings{"ON ON"});
}

TEST_CASE("core: SWITCH MIX SOURCE OFF mutes it and is heard, an unrouted source stays unrouted") {
  tone_into_mix t;
  t.rig.run("input add U");
  CHECK(t.rig.reply("SWITCH M T OFF") == "OK");
  CHECK(t.settled() == 0);
  CHECK(t.rig.reply("SWITCH M U OFF") == "OK");
  CHECK(t.rig.lines_of("show M").size() == 2);
  CHECK(t.rig.lines_of("QUERY M ALL") == strings{"OFF"});
}

TEST_CASE("core: SWITCH MIX SOURCE ONLY solos the source, routing it if needed") {
  core_rig rig;
  rig.run("mix add M");
  for (const char* name : {"A", "B", "C"}) rig.run(std::string("input add ") + name);
  rig.run("route M A");
  rig.run("route M B");
  CHECK(rig.reply("SWITCH M C ONLY") == "OK");
  CHECK(rig.lines_of("QUERY M ALL") == strings{"OFF OFF ON"});
  CHECK(rig.reply("SWITCH M A ONLY") == "OK");
  CHECK(rig.lines_of("QUERY M ALL") == strings{"ON OFF OFF"});
}

TEST_CASE("core: SWITCH MIX ALL ON and OFF switch every crosspoint, ALL ONLY is ALL ON") {
  core_rig rig;
  rig.run("mix add M");
  rig.run("input add A");
  rig.run("input add B");
  rig.run("route M A");
  rig.run("route M B");
  rig.run("mute M B");
  CHECK(rig.reply("SWITCH M ALL OFF") == "OK");
  CHECK(rig.lines_of("QUERY M ALL") == strings{"OFF OFF"});
  CHECK(rig.reply("SWITCH M ALL ON") == "OK");
  CHECK(rig.lines_of("QUERY M ALL") == strings{"ON ON"});
  rig.run("SWITCH M ALL OFF");
  CHECK(rig.reply("SWITCH M ALL ONLY") == "OK");
  CHECK(rig.lines_of("QUERY M ALL") == strings{"ON ON"});
}

TEST_CASE("core: SWITCH with an unknown mix or source is 404") {
  core_rig rig;
  rig.run("mix add M");
  rig.run("input add A");
  CHECK(rig.reply("SWITCH X A ON") == "ERR 404 no such mix X");
  CHECK(rig.reply("SWITCH X ALL OFF") == "ERR 404 no such mix X");
  CHECK(rig.reply("SWITCH M X ONLY") == "ERR 404 no such channel X");
  CHECK(rig.reply("SWITCH A M ON") == "ERR 404 no such mix A");
  CHECK(rig.lines_of("show M").size() == 1);
}

TEST_CASE("core: QUERY MIX SOURCE is ON only for a routed, unmuted source") {
  core_rig rig;
  rig.run("mix add M");
  rig.run("input add A");
  rig.run("input add B");
  CHECK(rig.lines_of("QUERY M A") == strings{"OFF"});
  rig.run("route M A -inf");
  CHECK(rig.lines_of("QUERY M A") == strings{"ON"});
  rig.run("mute M A");
  CHECK(rig.lines_of("QUERY M A") == strings{"OFF"});
  CHECK(rig.lines_of("query M B") == strings{"OFF"});
}

TEST_CASE("core: QUERY MIX ALL has a word per route in route order, and one empty line without routes") {
  core_rig rig;
  rig.run("mix add M");
  CHECK(rig.lines_of("QUERY M ALL") == strings{""});
  for (const char* name : {"A", "B", "C"}) rig.run(std::string("input add ") + name);
  rig.run("route M C");
  rig.run("route M A");
  rig.run("route M B");
  rig.run("mute M A");
  CHECK(rig.lines_of("QUERY M ALL") == strings{"ON OFF ON"});
}

TEST_CASE("core: QUERY with an unknown mix or source is 404") {
  core_rig rig;
  rig.run("mix add M");
  rig.run("input add A");
  CHECK(rig.reply("QUERY X ALL") == "ERR 404 no such mix X");
  CHECK(rig.reply("QUERY A ALL") == "ERR 404 no such mix A");
  CHECK(rig.reply("QUERY M X") == "ERR 404 no such channel X");
}

TEST_CASE("core: meters reads every channel sorted, or the named ones in order, an unknown name is 404") {
  tone_into_mix t;
  t.rig.run("mix add Q");
  t.rig.process(20);  // a 100 ms window and more
  CHECK(t.rig.lines_of("meters") == strings{"M peak=-6.0,-6.0 rms=-9.0,-9.0 clips=0",
                                            "Q peak=-inf,-inf rms=-inf,-inf clips=0",
                                            "T peak=-6.0,-6.0 rms=-9.0,-9.0 clips=0"});
  CHECK(t.rig.lines_of("meters Q T") ==
        strings{"Q peak=-inf,-inf rms=-inf,-inf clips=0", "T peak=-6.0,-6.0 rms=-9.0,-9.0 clips=0"});
  CHECK(t.rig.reply("meters T X") == "ERR 404 no such channel X");
}

TEST_CASE("core: a mix driven past full scale meters above 0 dB and counts its clips") {
  tone_into_mix t;
  t.rig.run("gain M 12");
  t.rig.process(20);
  const auto line = t.rig.lines_of("meters M");
  REQUIRE(line.size() == 1);
  CHECK(line[0].starts_with("M peak=6.0,6.0 "));
  CHECK(line[0].find(" clips=0") == std::string::npos);
}

TEST_CASE("core: stats gives the server's line, then one line per channel with its counters") {
  tone_into_mix t;
  t.rig.process(3);
  const auto lines = t.rig.lines_of("stats");
  REQUIRE(lines.size() == 3);
  CAPTURE(lines[0]);
  CHECK(std::regex_match(
      lines[0], std::regex(R"(server uptime_s=\d+ blocks=3 late_ticks=0 load_pct=0\.0 )"
                           R"(kernels=\S+ rate=44100 block=256 channels=2 fds=[1-9]\d* max_fds=[1-9]\d*)")));
  CHECK(lines[1] ==
        "channel M kind=mix frames=768 bytes=0 underruns=0 overruns=0 drops=0 clips=0 listeners=0");
  CHECK(lines[2] ==
        "channel T kind=input frames=768 bytes=0 underruns=0 overruns=0 drops=0 clips=0 listeners=0");
}

TEST_CASE("core: a salvo's changes are queued and heard only at commit, all in the same block") {
  tone_into_mix t;
  t.rig.run("mix add N");
  t.rig.run("route N T");
  auto other = t.rig.tap("N");
  std::vector<std::int16_t> m;
  std::vector<std::int16_t> n;
  const auto next_blocks = [&] {
    t.rig.engine.process_block();
    m = t.mix->read();
    n = other->read();
  };
  CHECK(t.rig.reply("begin") == "OK");
  CHECK(t.rig.reply("mute M T") == "OK queued");
  CHECK(t.rig.reply("gain N T -inf") == "OK queued");
  for (int i = 0; i < 3; ++i) next_blocks();
  CHECK(peak_of(m) > 16000);
  CHECK(peak_of(n) > 16000);
  CHECK(t.rig.lines_of("QUERY M T") == strings{"ON"});
  CHECK(t.rig.reply("commit") == "OK committed 2");
  next_blocks();
  // Both ramps run in the first block after the commit: loud at its start, silent after 5 ms.
  const auto ramp_end = static_cast<std::ptrdiff_t>(2 * t.rig.options.engine.ramp_frames());
  for (const auto* block : {&m, &n}) {
    CHECK(peak_of({block->begin(), block->begin() + 88}) > 10000);
    CHECK(peak_of({block->begin() + ramp_end, block->end()}) == 0);
  }
  next_blocks();
  CHECK(peak_of(m) == 0);
  CHECK(peak_of(n) == 0);
  CHECK(t.rig.lines_of("QUERY M T") == strings{"OFF"});
}

TEST_CASE(
    "core: a salvo change that would not apply is refused when queued, not queued, and named by its place") {
  core_rig rig;
  rig.run("mix add M");
  rig.run("input add A");
  rig.run("begin");
  CHECK(rig.reply("route M A -6") == "OK queued");
  CHECK(rig.reply("route M X") == "ERR 404 salvo change 2 (route M X) does not apply: no such channel X");
  CHECK(rig.reply("route M M") ==
        "ERR 409 salvo change 3 (route M M) does not apply: route M into M would make a cycle");
  // Checked against the scene as the queued changes leave it.
  CHECK(rig.reply("gain M A -3") == "OK queued");
  CHECK(rig.reply("commit") == "OK committed 2");
  CHECK(rig.lines_of("show M")[1] == "route A gain=-3.00 muted=no");
}

TEST_CASE("core: adding or removing channels, and load, are not allowed in a salvo, queries run at once") {
  core_rig rig;
  rig.run("mix add M");
  rig.run("begin");
  CHECK(rig.reply("input add A") == "ERR 400 not allowed in a salvo");
  CHECK(rig.reply("mix add N") == "ERR 400 not allowed in a salvo");
  CHECK(rig.reply("mix remove M") == "ERR 400 not allowed in a salvo");
  CHECK(rig.reply("load /nowhere.mix") == "ERR 400 not allowed in a salvo");
  CHECK(rig.lines_of("list") == strings{"mix M state=on sources=0 listeners=0"});
  CHECK(rig.reply("ping") == "OK pong");
  CHECK(rig.reply("commit") == "OK committed 0");
}

TEST_CASE("core: a queued change that no longer applies at commit fails the whole salvo and names it") {
  core_rig rig;
  rig.run("mix add M");
  rig.run("input add A");
  rig.run("input add B");
  rig.run("begin");
  rig.run("route M A -6");
  rig.run("route M B");
  auto other = rig.connect("127.0.0.1:6000");
  CHECK(reply_of(rig.run("input remove B", other)) == "OK");
  CHECK(rig.reply("commit") == "ERR 404 salvo change 2 (route M B) does not apply: no such channel B");
  CHECK(rig.lines_of("show M").size() == 1);
  CHECK(rig.reply("commit") == "ERR 409 no salvo begun");
}

TEST_CASE("core: abort drops the queued changes, begin twice is 409, commit or abort without begin 409") {
  core_rig rig;
  rig.run("mix add M");
  rig.run("input add A");
  CHECK(rig.reply("commit") == "ERR 409 no salvo begun");
  CHECK(rig.reply("abort") == "ERR 409 no salvo begun");
  rig.run("begin");
  CHECK(rig.reply("begin") == "ERR 409 salvo already begun");
  rig.run("route M A");
  CHECK(rig.reply("abort") == "OK aborted");
  CHECK(rig.lines_of("QUERY M ALL") == strings{""});
  CHECK(rig.reply("route M A") == "OK");
  CHECK(rig.lines_of("QUERY M ALL") == strings{"ON"});
  CHECK(rig.reply("abort") == "ERR 409 no salvo begun");
}

TEST_CASE("core: a salvo belongs to its connection: others' changes run at once") {
  core_rig rig;
  rig.run("mix add M");
  rig.run("input add A");
  rig.run("begin");
  auto other = rig.connect("127.0.0.1:6000");
  CHECK(reply_of(rig.run("route M A", other)) == "OK");
  CHECK(reply_of(rig.run("commit", other)) == "ERR 409 no salvo begun");
  CHECK(rig.lines_of("QUERY M A") == strings{"ON"});
  CHECK(rig.reply("commit") == "OK committed 0");
}

TEST_CASE("core: graph is the scene as DOT: inputs as ellipses, mixes as boxes (grey when off), routes as edges") {
  core_rig rig;
  CHECK(rig.reply("input add A tone 440") == "OK");
  CHECK(rig.reply("mix add M") == "OK");
  CHECK(rig.reply("mix add OFF") == "OK");
  CHECK(rig.reply("mix off OFF") == "OK");
  CHECK(rig.reply("route M A -6") == "OK");
  CHECK(rig.reply("route OFF M") == "OK");
  CHECK(rig.reply("mute OFF M") == "OK");
  const auto dot = rig.lines_of("graph");
  REQUIRE(dot.size() >= 2);
  CHECK(dot.front() == "digraph mixmatrix {");
  CHECK(dot.back() == "}");
  const auto has = [&](const std::string& line) { return std::find(dot.begin(), dot.end(), line) != dot.end(); };
  CHECK(has("  \"A\" [shape=ellipse];"));
  CHECK(has("  \"M\" [shape=box];"));
  CHECK(has("  \"OFF\" [shape=box, color=grey, fontcolor=grey];"));
  CHECK(has("  \"A\" -> \"M\" [label=\"-6.00 dB\"];"));
  CHECK(has("  \"M\" -> \"OFF\" [label=\"0.00 dB\", style=dashed];"));
  CHECK(dot.size() == 3 + 3 + 2 + 1);  // header, three channels, two routes, the close
}
