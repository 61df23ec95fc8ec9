// The command core's channels: inputs (network, tone, file), mixes, their ports, list and show,
// the server's own audio (record, play, devices, stop) and what transports ask of the directory.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core_rig.hpp"

using mixmatrix::test::core_rig;
using mixmatrix::test::has_line;
using mixmatrix::test::with_max_channels;
using mixmatrix::test::with_state_file;
using strings = std::vector<std::string>;

TEST_CASE(
    "core: input add makes an idle network input with the default latency, and the same name again is 409") {
  core_rig rig;
  CHECK(rig.reply("input add N") == "OK");
  CHECK(rig.lines_of("list") == strings{"input N state=idle buffered_ms=0 listeners=0"});
  CHECK(
      rig.lines_of("show N") ==
      strings{"input N state=idle sender=none playing=no latency_ms=20 target_ms=20 packet_ms=0 jitter_ms=0 "
              "buffered_ms=0 "
              "underruns=0 overruns=0 skipped_ms=0 drift_ppm=0.0 ratio=1.000000 settled=no bytes=0 frames=0 "
              "listeners=0"});
  CHECK(rig.reply("input add N") == "ERR 409 name N exists");
  CHECK(rig.reply("input add N tone 440") == "ERR 409 name N exists");
  CHECK(rig.ports.opened.empty());
  CHECK(has_line(rig.core.scene(), "input add N"));
}

TEST_CASE("core: input add with a latency keeps it in show and in the scene") {
  core_rig rig;
  CHECK(rig.reply("input add N latency 50") == "OK");
  const auto show = rig.lines_of("show N");
  REQUIRE(show.size() == 1);
  CHECK(show[0].find(" latency_ms=50 ") != std::string::npos);
  CHECK(has_line(rig.core.scene(), "input add N latency 50"));
}

TEST_CASE("core: input add with a port opens it for the input, and list and the scene show it") {
  core_rig rig;
  CHECK(rig.reply("input add N port 9001") == "OK");
  CHECK(rig.ports.opened == std::vector<std::pair<std::string, std::uint16_t>>{{"N", 9001}});
  CHECK(rig.lines_of("list") == strings{"input N state=idle port=9001 buffered_ms=0 listeners=0"});
  CHECK(has_line(rig.core.scene(), "input add N port 9001"));
}

TEST_CASE("core: a raw port's format goes to the ports, shows in show (not list) and is saved as given") {
  core_rig rig;
  CHECK(rig.reply("input add N port 9001 format f32le 44100 1") == "OK");
  CHECK(rig.reply("input add P port 9002") == "OK");
  CHECK(rig.reply("mix add M port 9003 format S24LE 44100 2") == "OK");
  using mixmatrix::protocol::sample_format;
  CHECK(rig.ports.ports.at("N").format == mixmatrix::protocol::stream_format{sample_format::f32le, 44100, 1});
  CHECK_FALSE(rig.ports.ports.at("P").format);
  CHECK(rig.lines_of("list") == strings{"mix M state=on sources=0 listeners=0 port=9003",
                                        "input N state=idle port=9001 buffered_ms=0 listeners=0",
                                        "input P state=idle port=9002 buffered_ms=0 listeners=0"});
  CHECK(rig.lines_of("show N")[0].starts_with("input N state=idle port=9001 format=f32le,44100,1 sender=none "));
  CHECK(rig.lines_of("show P")[0].starts_with("input P state=idle port=9002 format=s16le,44100,2 sender=none "));
  CHECK(rig.lines_of("show M")[0] ==
        "mix M state=on gain=0.00 listeners=0 port=9003 format=s24le,44100,2 frames=0 clips=0 drops=0");
  const std::string scene = rig.core.scene();
  CHECK(has_line(scene, "input add N port 9001 format f32le 44100 1"));
  CHECK(has_line(scene, "input add P port 9002"));
  CHECK(has_line(scene, "mix add M port 9003 format s24le 44100 2"));
}

TEST_CASE("core: input add on a taken port is 409 and leaves no input behind") {
  core_rig rig;
  rig.ports.taken.insert(9002);
  CHECK(rig.reply("input add N port 9002") == "ERR 409 port 9002 unavailable: address in use");
  CHECK(rig.reply("show N") == "ERR 404 no such channel N");
  CHECK(rig.lines_of("list").empty());
  CHECK(rig.reply("input add N") == "OK");
}

TEST_CASE("core: a tone input is generated in the engine and heard through a mix") {
  core_rig rig;
  CHECK(rig.reply("input add T tone 1000 -6.0206") == "OK");
  CHECK(rig.lines_of("list") == strings{"input T state=tone hz=1000.00 dbfs=-6.02 listeners=0"});
  CHECK(has_line(rig.core.scene(), "input add T tone 1000 -6.0206"));
  rig.run("mix add M");
  rig.run("route M T");
  auto mix = rig.tap("M");
  CHECK(rig.peak_after(*mix, 3) == doctest::Approx(16384).epsilon(0.01));
}

TEST_CASE("core: a tone at or above half the rate is 400, just below it is taken") {
  core_rig rig;
  CHECK(rig.reply("input add T tone 22050") == "ERR 400 frequency must be below half the rate (22050.00 Hz)");
  CHECK(rig.reply("input add T tone 30000") == "ERR 400 frequency must be below half the rate (22050.00 Hz)");
  CHECK(rig.reply("show T") == "ERR 404 no such channel T");
  CHECK(rig.reply("input add T tone 22049.9") == "OK");
}

TEST_CASE("core: input add file opens the file through the audio service, then lists and saves it") {
  core_rig rig;
  SUBCASE("answered at once") {
    rig.audio.later = false;
  }
  SUBCASE("answered later") {
    rig.audio.later = true;
  }
  CHECK(rig.reply("input add F file /music/a.wav loop") == "OK playing /music/a.wav");
  CHECK(rig.reply("input add G file \"/music/b c.wav\"") == "OK playing /music/b c.wav");
  CHECK(rig.audio.calls == strings{"play_file F /music/a.wav loop", "play_file G /music/b c.wav once"});
  CHECK(rig.lines_of("list") ==
        strings{"input F state=file path=/music/a.wav loop=yes buffered_ms=0 listeners=0",
                "input G state=file path=\"/music/b c.wav\" loop=no buffered_ms=0 listeners=0"});
  CHECK(has_line(rig.core.scene(), "input add F file /music/a.wav loop"));
  CHECK(has_line(rig.core.scene(), "input add G file \"/music/b c.wav\""));
}

TEST_CASE("core: a file that cannot be opened answers its failure and leaves the name free") {
  core_rig rig;
  SUBCASE("answered at once") {
    rig.audio.later = false;
  }
  SUBCASE("answered later") {
    rig.audio.later = true;
  }
  rig.audio.refusal = mixmatrix::protocol::failure{mixmatrix::protocol::code::bad_request,
                                                   "cannot read /music/x.wav: System error"};
  CHECK(rig.reply("input add F file /music/x.wav") == "ERR 400 cannot read /music/x.wav: System error");
  CHECK(rig.reply("show F") == "ERR 404 no such channel F");
  CHECK(rig.reply("input add F tone 440") == "OK");
}

TEST_CASE("core: a file input's name is held while its file opens") {
  core_rig rig;
  rig.audio.later = true;
  const auto first = rig.start("input add F file /a.wav");
  CHECK_FALSE(first->result);
  CHECK(rig.reply("input add F file /b.wav") == "ERR 409 name F exists");
  CHECK(rig.reply("input add F") == "ERR 409 name F exists");
  CHECK(rig.reply("input add F tone 440") == "ERR 409 name F exists");
  CHECK(rig.reply("mix add F") == "ERR 409 name F exists");
  const auto sender = rig.core.input_for_sender("F");
  REQUIRE_FALSE(sender);
  CHECK(sender.error().code == mixmatrix::protocol::code::conflict);
  CHECK(mixmatrix::test::reply_of(rig.wait(first)) == "OK playing /a.wav");
  CHECK(rig.audio.calls == strings{"play_file F /a.wav once"});
  CHECK(rig.lines_of("list") == strings{"input F state=file path=/a.wav loop=no buffered_ms=0 listeners=0"});
}

TEST_CASE("core: input add file on a taken name is 409 without opening the file") {
  core_rig rig;
  rig.run("mix add M");
  CHECK(rig.reply("input add M file /a.wav") == "ERR 409 name M exists");
  CHECK(rig.audio.calls.empty());
}

TEST_CASE("core: input remove cuts the input out of its mixes at once, unknown or a mix is 404") {
  core_rig rig;
  rig.run("input add T tone 1000 -6.0206");
  rig.run("mix add M");
  rig.run("route M T");
  auto mix = rig.tap("M");
  CHECK(rig.peak_after(*mix, 3) > 16000);
  CHECK(rig.reply("input remove T") == "OK");
  CHECK(rig.peak_after(*mix, 1) == 0);
  CHECK(rig.lines_of("show M") ==
        strings{"mix M state=on gain=0.00 listeners=0 frames=1024 clips=0 drops=0"});
  CHECK(rig.reply("input remove T") == "ERR 404 no such input T");
  CHECK(rig.reply("input remove M") == "ERR 404 no such input M");
  CHECK(rig.lines_of("list") == strings{"mix M state=on sources=0 listeners=0"});
}

TEST_CASE("core: removing a channel tells every observer and the audio service, and frees its port") {
  core_rig rig;
  rig.run("input add N port 9001");
  rig.run("mix add M port 9002");
  rig.run("record M /takes/m.wav");
  CHECK(rig.reply("input remove N") == "OK");
  CHECK(rig.observer.removed == strings{"N"});
  CHECK(rig.ports.ports == std::map<std::string, mixmatrix::server::port_spec>{{"M", {9002, std::nullopt}}});
  CHECK(rig.audio.calls.back() == "forget N");
  CHECK(rig.reply("mix remove M") == "OK");
  CHECK(rig.observer.removed == strings{"N", "M"});
  CHECK(rig.ports.ports.empty());
  CHECK(rig.audio.calls.back() == "forget M");
  CHECK(rig.audio.recordings.empty());
  CHECK(rig.lines_of("list").empty());
}

TEST_CASE("core: a failed remove tells no observer") {
  core_rig rig;
  rig.run("mix add M");
  CHECK(rig.reply("input remove M") == "ERR 404 no such input M");
  CHECK(rig.reply("mix remove X") == "ERR 404 no such mix X");
  CHECK(rig.observer.removed.empty());
  CHECK(rig.audio.calls.empty());
}

TEST_CASE("core: mix add makes a mix that is on, a taken name is 409, also an input's") {
  core_rig rig;
  CHECK(rig.reply("mix add M") == "OK");
  CHECK(rig.lines_of("list") == strings{"mix M state=on sources=0 listeners=0"});
  CHECK(rig.lines_of("show M") == strings{"mix M state=on gain=0.00 listeners=0 frames=0 clips=0 drops=0"});
  CHECK(rig.reply("mix add M") == "ERR 409 name M exists");
  rig.run("input add A");
  CHECK(rig.reply("mix add A") == "ERR 409 name A exists");
  CHECK(rig.reply("input add M") == "ERR 409 name M exists");
}

TEST_CASE("core: mix add with a port serves the mix there, a taken port is 409 and leaves no mix") {
  core_rig rig;
  CHECK(rig.reply("mix add M port 9100") == "OK");
  CHECK(rig.lines_of("list") == strings{"mix M state=on sources=0 listeners=0 port=9100"});
  CHECK(has_line(rig.core.scene(), "mix add M port 9100"));
  rig.ports.taken.insert(9101);
  CHECK(rig.reply("mix add P port 9101") == "ERR 409 port 9101 unavailable: address in use");
  CHECK(rig.reply("show P") == "ERR 404 no such channel P");
  CHECK(rig.ports.opened == std::vector<std::pair<std::string, std::uint16_t>>{{"M", 9100}, {"P", 9101}});
  CHECK(rig.reply("mix add P") == "OK");
}

TEST_CASE("core: mix remove drops the mix and every route to and from it, unknown or an input is 404") {
  core_rig rig;
  rig.run("input add A tone 440");
  rig.run("mix add SUB");
  rig.run("mix add MAIN");
  rig.run("route SUB A");
  rig.run("route MAIN SUB");
  CHECK(rig.reply("mix remove SUB") == "OK");
  CHECK(rig.lines_of("show MAIN") ==
        strings{"mix MAIN state=on gain=0.00 listeners=0 frames=0 clips=0 drops=0"});
  CHECK(rig.reply("mix remove SUB") == "ERR 404 no such mix SUB");
  CHECK(rig.reply("mix remove A") == "ERR 404 no such mix A");
  CHECK(rig.lines_of("list").size() == 2);
}

TEST_CASE("core: list has one line per channel of every kind, sorted by name") {
  core_rig rig;
  rig.run("mix add Z");
  rig.run("input add N port 9000");
  rig.run("input add F file /f.flac");
  rig.run("input add A tone 440");
  CHECK(rig.lines_of("list") == strings{"input A state=tone hz=440.00 dbfs=-12.00 listeners=0",
                                        "input F state=file path=/f.flac loop=no buffered_ms=0 listeners=0",
                                        "input N state=idle port=9000 buffered_ms=0 listeners=0",
                                        "mix Z state=on sources=0 listeners=0"});
}

TEST_CASE("core: show details a mix's crosspoints, recording and playback, an unknown name is 404") {
  core_rig rig;
  rig.run("input add A tone 440");
  rig.run("input add B");
  rig.run("mix add M port 9000");
  rig.run("route M B -6");
  rig.run("route M A -inf");
  rig.run("mute M B");
  rig.run("gain M 3");
  rig.run("record M /takes/m.wav");
  rig.run("play M hw:1");
  rig.audio.recordings["M"].frames = 4410;
  rig.audio.playbacks["M"].repeats = 2;
  CHECK(rig.lines_of("show M") ==
        strings{"mix M state=on gain=3.00 listeners=0 port=9000 format=s16le,44100,2 frames=0 clips=0 drops=0",
                "route B gain=-6.00 muted=yes", "route A gain=-inf muted=no",
                "recording /takes/m.wav frames=4410 overruns=0 failed=no",
                "playing hw:1 frames=0 skips=0 repeats=2 drift_ppm=0.0"});
  rig.audio.recordings["M"].failed = true;
  CHECK(rig.lines_of("show M")[3] == "recording /takes/m.wav frames=4410 overruns=0 failed=yes");
  CHECK(rig.lines_of("show A") == strings{"input A state=tone hz=440.00 dbfs=-12.00 listeners=0"});
  CHECK(rig.reply("show X") == "ERR 404 no such channel X");
}

TEST_CASE("core: a file input's show says its file and whether it plays") {
  core_rig rig;
  rig.run("input add F file /f.wav loop");
  CHECK(rig.lines_of("show F") ==
        strings{
            "input F state=file path=/f.wav loop=yes buffered_ms=0 playing=no bytes=0 frames=0 listeners=0"});
  rig.audio.files["F"].ended = true;
  CHECK(rig.lines_of("show F")[0].starts_with("input F state=ended path=/f.wav"));
}

TEST_CASE("core: record starts a recording through the audio service, its refusal is passed through") {
  core_rig rig;
  SUBCASE("answered at once") {
    rig.audio.later = false;
  }
  SUBCASE("answered later") {
    rig.audio.later = true;
  }
  rig.run("mix add M");
  CHECK(rig.reply("record M /takes/m.wav") == "OK recording to /takes/m.wav");
  CHECK(rig.audio.calls == strings{"record M /takes/m.wav"});
  CHECK(rig.reply("record M /takes/again.wav") == "ERR 409 M is already recording");
  rig.run("input add A");
  rig.audio.refusal =
      mixmatrix::protocol::failure{mixmatrix::protocol::code::unavailable, "cannot create /x.zzz"};
  CHECK(rig.reply("record A /x.zzz") == "ERR 503 cannot create /x.zzz");
  CHECK_FALSE(rig.audio.recordings.contains("A"));
}

TEST_CASE("core: record and play of an unknown channel are 404 without asking the audio service") {
  core_rig rig;
  CHECK(rig.reply("record X /takes/x.wav") == "ERR 404 no such channel X");
  CHECK(rig.reply("play X") == "ERR 404 no such channel X");
  CHECK(rig.audio.calls.empty());
}

TEST_CASE("core: play plays a channel on the named or the default device, its refusal is passed through") {
  core_rig rig;
  SUBCASE("answered at once") {
    rig.audio.later = false;
  }
  SUBCASE("answered later") {
    rig.audio.later = true;
  }
  rig.run("mix add M");
  rig.run("input add A");
  CHECK(rig.reply("play M") == "OK");
  CHECK(rig.reply("play A \"Other Card\"") == "OK");
  CHECK(rig.audio.calls == strings{"play M", "play A Other Card"});
  CHECK(rig.audio.playbacks.at("A").device == "Other Card");
  CHECK(rig.reply("play M") == "ERR 409 M is already playing");
  rig.run("mix add N");
  rig.audio.refusal =
      mixmatrix::protocol::failure{mixmatrix::protocol::code::unavailable, "no such device 9"};
  CHECK(rig.reply("play N 9") == "ERR 503 no such device 9");
  CHECK(rig.core.scene().find("play") == std::string::npos);  // playback is not part of the scene
}

TEST_CASE("core: devices gives the audio service's device lines") {
  core_rig rig;
  SUBCASE("answered at once") {
    rig.audio.later = false;
  }
  SUBCASE("answered later") {
    rig.audio.later = true;
  }
  CHECK(rig.lines_of("devices") == strings{"0 Fake Output (ALSA)", "1 Other Card (JACK)"});
  rig.audio.device_lines.clear();
  const auto r = rig.run("devices");
  CHECK(r.ok());
  CHECK(r.data.empty());
}

TEST_CASE("core: stop answers what it ended as recorded and played lines, nothing to stop is 404") {
  core_rig rig;
  SUBCASE("answered at once") {
    rig.audio.later = false;
  }
  SUBCASE("answered later") {
    rig.audio.later = true;
  }
  rig.run("mix add M");
  rig.run("record M /takes/m.wav");
  rig.run("play M hw:0");
  rig.audio.recordings["M"] = {"/takes/m.wav", 44100, 1};
  rig.audio.playbacks["M"] = {"hw:0", 44000, 2, 3};
  const auto r = rig.run("stop M");
  CHECK(mixmatrix::test::reply_of(r) == "OK");
  CHECK(r.data == strings{"recorded /takes/m.wav: 44100 frames, 1 overruns",
                          "played hw:0: 44000 frames, 2 skips, 3 repeats"});
  CHECK(rig.reply("stop M") == "ERR 404 M is not recording or playing");
  rig.run("record M /takes/n.wav");
  CHECK(rig.lines_of("stop M") == strings{"recorded /takes/n.wav: 0 frames, 0 overruns"});
}

TEST_CASE("core: a sender's missing input is created, announced as by SEND, and saved") {
  core_rig rig(with_state_file());
  const auto sink = rig.sink_for(rig.connection);
  rig.run("watch");
  const auto input = rig.core.input_for_sender("S");
  REQUIRE(input);
  CHECK(input.value()->name() == "S");
  CHECK(input.value()->latency_ms() == 20);
  CHECK(rig.lines_of("list") == strings{"input S state=idle buffered_ms=0 listeners=0"});
  CHECK(sink->events == strings{"changed input add S (by SEND)"});
  rig.drain();
  CHECK(has_line(rig.state(), "input add S"));
}

TEST_CASE("core: a sender gets the input that exists, unannounced, a mix's name is 409") {
  core_rig rig;
  const auto sink = rig.sink_for(rig.connection);
  rig.run("input add N");
  rig.run("mix add M");
  rig.run("watch");
  const auto input = rig.core.input_for_sender("N");
  REQUIRE(input);
  const auto listened = rig.core.channel_for_listener("N");
  REQUIRE(listened);
  CHECK(listened.value() == input.value());
  const auto refused = rig.core.input_for_sender("M");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == mixmatrix::protocol::code::conflict);
  CHECK(refused.error().text == "M is a mix, not an input");
  CHECK(sink->events.empty());
  CHECK(rig.lines_of("list").size() == 2);
}

TEST_CASE("core: a listener gets any channel by name, an unknown one is 404") {
  core_rig rig;
  rig.run("mix add M");
  const auto mix = rig.core.channel_for_listener("M");
  REQUIRE(mix);
  CHECK(mix.value()->name() == "M");
  const auto unknown = rig.core.channel_for_listener("X");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == mixmatrix::protocol::code::not_found);
  CHECK(unknown.error().text == "no such channel X");
}

TEST_CASE("core: past the channel limit adds are 503, a sender's input too") {
  core_rig rig(with_max_channels(1));
  CHECK(rig.reply("input add A") == "OK");
  CHECK(rig.reply("input add B") == "ERR 503 channel limit reached (1)");
  CHECK(rig.reply("mix add M") == "ERR 503 channel limit reached (1)");
  const auto sender = rig.core.input_for_sender("S");
  REQUIRE_FALSE(sender);
  CHECK(sender.error().code == mixmatrix::protocol::code::unavailable);
  rig.audio.later = true;
  CHECK(rig.reply("input add F file /f.wav") == "ERR 503 channel limit reached (1)");
  CHECK(rig.audio.calls == strings{"play_file F /f.wav once", "forget F"});
}
