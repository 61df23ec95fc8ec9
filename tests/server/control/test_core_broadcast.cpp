// The command core's broadcast mixing: mix-minus (mix add NAME minus MIX SOURCE), pan, duck and
// unduck: their replies, list and show, salvos, removal, the scene text, and how they sound.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "core_rig.hpp"

using mixmatrix::test::core_rig;
using mixmatrix::test::has_line;
using mixmatrix::test::peak_of;
using strings = std::vector<std::string>;

namespace {

// Two tones into MAIN: A at -6.02 dBFS (peak 16384), B at -12.04 (8192); B's mix-minus NO_B.
struct two_callers {
  core_rig rig;
  two_callers() {
    rig.run("input add A tone 1000 -6.0206");
    rig.run("input add B tone 1500 -12.0412");
    rig.run("mix add MAIN");
    rig.run("route MAIN A");
    rig.run("route MAIN B");
    REQUIRE(rig.reply("mix add NO_B minus MAIN B") == "OK");
  }
};

// The peak of one channel (0 left, 1 right) of a block.
int channel_peak(const std::vector<std::int16_t>& block, std::size_t channel) {
  int peak = 0;
  for (std::size_t i = channel; i < block.size(); i += 2) peak = std::max(peak, std::abs(int{block[i]}));
  return peak;
}

}  // namespace

TEST_CASE("core: mix add NAME minus MIX SOURCE is MIX without SOURCE, list and show say so") {
  two_callers t;
  auto minus = t.rig.tap("NO_B");
  CHECK(t.rig.peak_after(*minus, 3) == doctest::Approx(16384).epsilon(0.002));  // A alone
  CHECK(t.rig.lines_of("list") == strings{"input A state=tone hz=1000.00 dbfs=-6.02 listeners=0",
                                          "input B state=tone hz=1500.00 dbfs=-12.04 listeners=0",
                                          "mix MAIN state=on sources=2 listeners=0",
                                          "mix NO_B state=on of=MAIN minus=B sources=1 listeners=0"});
  CHECK(t.rig.lines_of("show NO_B") ==
        strings{"mix NO_B state=on of=MAIN minus=B gain=0.00 listeners=0 frames=768 clips=0 drops=0"});
  CHECK(t.rig.reply("gain NO_B -6.0206") == "OK");
  CHECK(t.rig.peak_after(*minus, 2) == doctest::Approx(8192).epsilon(0.002));
  CHECK(t.rig.reply("gain MAIN -inf") == "OK");  // MIX's master is MIX's own
  CHECK(t.rig.reply("mix off MAIN") == "OK");
  CHECK(t.rig.peak_after(*minus, 2) == doctest::Approx(8192).epsilon(0.002));
  CHECK(t.rig.reply("mix off NO_B") == "OK");
  CHECK(t.rig.peak_after(*minus, 2) == 0);
}

TEST_CASE("core: mix add minus refuses an unknown mix or source (404), a mix-minus or the mix itself (409)") {
  two_callers t;
  CHECK(t.rig.reply("mix add X minus NOPE B") == "ERR 404 no such mix NOPE");
  CHECK(t.rig.reply("mix add X minus A B") == "ERR 404 no such mix A");
  CHECK(t.rig.reply("mix add X minus MAIN NOPE") == "ERR 404 no such channel NOPE");
  CHECK(t.rig.reply("mix add X minus MAIN MAIN") ==
        "ERR 409 a mix-minus of MAIN cannot take out MAIN itself");
  CHECK(t.rig.reply("mix add X minus NO_B A") ==
        "ERR 409 NO_B is a mix-minus: a mix-minus is taken from an ordinary mix");
  CHECK(t.rig.reply("mix add NO_B minus MAIN A") == "ERR 409 name NO_B exists");
  CHECK(t.rig.reply("route NO_B A") == "ERR 409 NO_B is a mix-minus: it has no crosspoints of its own");
  CHECK(t.rig.reply("route MAIN NO_B") == "ERR 409 route NO_B into MAIN would make a cycle");
  CHECK(t.rig.lines_of("list").size() == 4);
}

TEST_CASE("core: a mix-minus with a port serves it, removing its source or mix removes it and says so") {
  two_callers t;
  CHECK(t.rig.reply("mix add NO_A minus MAIN A port 9100") == "OK");
  CHECK(t.rig.ports.ports.at("NO_A").port == 9100);
  CHECK(t.rig.reply("mix add OUT") == "OK");
  CHECK(t.rig.reply("route OUT NO_A") == "OK");
  CHECK(t.rig.reply("input remove A") == "OK also removed NO_A");
  CHECK(t.rig.observer.removed == strings{"A", "NO_A"});
  CHECK_FALSE(t.rig.ports.ports.contains("NO_A"));
  CHECK(t.rig.lines_of("show OUT").size() == 1);  // its route from NO_A went too
  CHECK(t.rig.reply("mix remove MAIN") == "OK also removed NO_B");
  CHECK(t.rig.lines_of("list") == strings{"input B state=tone hz=1500.00 dbfs=-12.04 listeners=0",
                                          "mix OUT state=on sources=0 listeners=0"});
}

TEST_CASE(
    "core: unrouting a mix-minus's source keeps it, as its mix, and routing the source again takes it out "
    "again") {
  two_callers t;
  auto minus = t.rig.tap("NO_B");
  CHECK(t.rig.reply("unroute MAIN B") == "OK");
  CHECK(t.rig.peak_after(*minus, 3) == doctest::Approx(16384).epsilon(0.002));
  CHECK(t.rig.lines_of("list")[3] == "mix NO_B state=on of=MAIN minus=B sources=1 listeners=0");
  CHECK(t.rig.reply("route MAIN B 6") == "OK");
  CHECK(t.rig.peak_after(*minus, 3) == doctest::Approx(16384).epsilon(0.002));
}

TEST_CASE("core: pan shows on the route line, is heard per channel, and 404s without a route") {
  core_rig rig;
  rig.run("input add T tone 1000 -6.0206");
  rig.run("mix add M");
  rig.run("route M T");
  auto mix = rig.tap("M");
  CHECK(rig.reply("pan M T 50") == "OK");
  CHECK(rig.lines_of("show M")[1] == "route T gain=0.00 muted=no pan=50");
  rig.process(2);
  mix->read();
  rig.process(1);
  const auto block = mix->read();
  CHECK(channel_peak(block, 0) == doctest::Approx(16384 * 0.70711).epsilon(0.002));
  CHECK(channel_peak(block, 1) == doctest::Approx(16384).epsilon(0.002));
  CHECK(rig.reply("pan M T -100") == "OK");
  rig.process(2);
  mix->read();
  mix->read();
  rig.process(1);
  const auto left = mix->read();
  CHECK(channel_peak(left, 1) == 0);
  CHECK(channel_peak(left, 0) == doctest::Approx(16384).epsilon(0.002));
  CHECK(rig.reply("route M T -6") == "OK");  // an update keeps the pan
  CHECK(rig.lines_of("show M")[1] == "route T gain=-6.00 muted=no pan=-100");
  CHECK(rig.reply("pan M T 0") == "OK");
  CHECK(rig.lines_of("show M")[1] == "route T gain=-6.00 muted=no");
  CHECK(rig.reply("pan M X 10") == "ERR 404 no route X in mix M");
  CHECK(rig.reply("pan X T 10") == "ERR 404 no such mix X");
}

TEST_CASE("core: duck shows in show with its settings, defaults included, unduck removes it, 404s and 409s") {
  core_rig rig;
  rig.run("input add BED tone 200 -10");
  rig.run("input add VOICE");
  rig.run("mix add M");
  rig.run("route M BED");
  CHECK(rig.reply("duck M VOICE") == "OK");
  CHECK(rig.lines_of("show M") ==
        strings{"mix M state=on gain=0.00 listeners=0 frames=0 clips=0 drops=0",
                "route BED gain=0.00 muted=no",
                "duck VOICE db=-15.00 threshold=-40.00 attack_ms=20 release_ms=500"});
  CHECK(rig.reply("duck M VOICE -20.5 threshold -35 attack 5 release 1000") == "OK");
  CHECK(rig.lines_of("show M")[2] == "duck VOICE db=-20.50 threshold=-35.00 attack_ms=5 release_ms=1000");
  CHECK(rig.reply("duck M BED release 100") == "OK");
  CHECK(rig.lines_of("show M").size() == 4);
  CHECK(rig.reply("unduck M VOICE") == "OK");
  CHECK(rig.lines_of("show M")[2] == "duck BED db=-15.00 threshold=-40.00 attack_ms=20 release_ms=100");
  CHECK(rig.reply("unduck M VOICE") == "ERR 404 no such duck VOICE in mix M");
  CHECK(rig.reply("duck X VOICE") == "ERR 404 no such mix X");
  CHECK(rig.reply("duck M X") == "ERR 404 no such channel X");
  CHECK(rig.reply("duck M M") == "ERR 409 duck M M would make a cycle");
  rig.run("mix add N");
  rig.run("route N M");
  CHECK(rig.reply("duck M N") == "ERR 409 duck M N would make a cycle");
  CHECK(rig.reply("input remove BED") == "OK");  // the duck keyed on it goes (releasing first)
  CHECK(rig.lines_of("show M").size() == 1);
}

TEST_CASE(
    "core: a talking key ducks the rest of the mix by its depth, and the mix comes back after release") {
  core_rig rig;
  rig.run("input add BED tone 200 -6.0206");
  rig.run("input add VOICE tone 1000 -20");
  rig.run("mix add M");
  rig.run("route M BED");
  rig.run("duck M VOICE -12.0412 attack 0 release 0");
  auto mix = rig.tap("M");
  CHECK(rig.peak_after(*mix, 10) == doctest::Approx(4096).epsilon(0.005));  // the voice talks, not routed
  CHECK(rig.reply("gain M VOICE -10") == "ERR 404 no route VOICE in mix M");
  rig.run("input remove VOICE");
  CHECK(rig.peak_after(*mix, 10) == doctest::Approx(16384).epsilon(0.005));
}

TEST_CASE("core: pan, duck and unduck queue in a salvo and apply at commit, mix add minus does not") {
  two_callers t;
  t.rig.run("input add V tone 300 -10");
  CHECK(t.rig.reply("begin") == "OK");
  CHECK(t.rig.reply("pan MAIN A 30") == "OK queued");
  CHECK(t.rig.reply("duck MAIN V") == "OK queued");
  CHECK(t.rig.reply("unduck MAIN V") == "OK queued");
  CHECK(t.rig.reply("duck MAIN B -6") == "OK queued");
  CHECK(t.rig.reply("pan MAIN X 30") ==
        "ERR 404 salvo change 5 (pan MAIN X 30) does not apply: no route X in mix MAIN");
  CHECK(t.rig.reply("unduck MAIN V") ==
        "ERR 404 salvo change 6 (unduck MAIN V) does not apply: no such duck V in mix MAIN");
  CHECK(t.rig.reply("mix add F minus MAIN A") == "ERR 400 not allowed in a salvo");
  CHECK(t.rig.lines_of("show MAIN").size() == 3);  // nothing applied yet
  CHECK(t.rig.reply("commit") == "OK committed 4");
  CHECK(t.rig.lines_of("show MAIN") ==
        strings{"mix MAIN state=on gain=0.00 listeners=0 frames=0 clips=0 drops=0",
                "route A gain=0.00 muted=no pan=30", "route B gain=0.00 muted=no",
                "duck B db=-6.00 threshold=-40.00 attack_ms=20 release_ms=500"});
}

TEST_CASE("core: the scene keeps mix-minuses after what they take, pans and ducks, and loads back the same") {
  core_rig rig;
  rig.run("input add A tone 1000 -6");
  rig.run("input add Z tone 500 -6");
  rig.run("mix add MAIN");
  rig.run("mix add B_SUB");
  rig.run("route MAIN A -3");
  rig.run("route MAIN Z");
  rig.run("pan MAIN A -37.5");
  rig.run("duck MAIN Z -18 threshold -45 attack 10 release 800");
  rig.run("mix add 0_NO_A minus MAIN A port 9200");  // sorts before MAIN, written after it
  rig.run("mix add 1_NO_NO_A minus B_SUB 0_NO_A");   // a mix-minus whose source is a mix-minus
  rig.run("route B_SUB 0_NO_A");
  rig.run("gain 0_NO_A -4");
  rig.run("mix off 1_NO_NO_A");
  const std::string scene = rig.core.scene();
  CHECK(scene.substr(scene.find('\n') + 1) ==
        "input add A tone 1000 -6\n"
        "mix add B_SUB\n"
        "mix add MAIN\n"
        "input add Z tone 500 -6\n"
        "mix add 0_NO_A minus MAIN A port 9200\n"
        "mix add 1_NO_NO_A minus B_SUB 0_NO_A\n"
        "gain 0_NO_A -4.00\n"
        "mix off 1_NO_NO_A\n"
        "route B_SUB 0_NO_A 0.00\n"
        "route MAIN A -3.00\n"
        "pan MAIN A -37.5\n"
        "route MAIN Z 0.00\n"
        "duck MAIN Z -18.00 threshold -45.00 attack 10 release 800\n");
  core_rig other;
  const auto path = other.write_file("scene.mix", scene);
  CHECK(other.reply("load " + path) == "OK");
  CHECK(other.core.scene() == scene);
}
