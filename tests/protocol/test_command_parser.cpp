#include <doctest/doctest.h>

#include <cmath>

#include "protocol/command_parser.hpp"
#include "protocol/command_table.hpp"
#include "protocol/words.hpp"

using namespace mixmatrix::protocol;

namespace {
result<command> parse(const std::string& line) { return parse_command(split_words(line).value()); }

template <class T>
T parse_as(const std::string& line) {
  auto c = parse(line);
  REQUIRE_MESSAGE(c, line << ": " << (c ? "" : c.error().text));
  REQUIRE(std::holds_alternative<T>(c.value()));
  return std::get<T>(c.value());
}

void check_bad(const std::string& line) {
  auto c = parse(line);
  CHECK_MESSAGE(!c, line);
  if (!c) CHECK(c.error().code == code::bad_request);
}
}  // namespace

TEST_CASE("command words are case-insensitive, names are not") {
  parse_as<cmd::list>("LIST");
  parse_as<cmd::ping>("Ping");
  CHECK(parse_as<cmd::show>("SHOW Main").name == "Main");
  CHECK(parse_as<cmd::add_mix>("MIX ADD Main").name == "Main");
}

TEST_CASE("input add: network, with port and latency, and tone") {
  auto plain = parse_as<cmd::add_network_input>("input add DJ1");
  CHECK(plain.name == "DJ1");
  CHECK_FALSE(plain.port);
  auto ported = parse_as<cmd::add_network_input>("input add DJ1 port 1701 latency 50");
  CHECK(*ported.port == 1701);
  CHECK(*ported.latency_ms == 50);
  auto tone = parse_as<cmd::add_tone_input>("input add T tone 440");
  CHECK(tone.hz == 440.0);
  CHECK(tone.dbfs == -12.0);
  CHECK(parse_as<cmd::add_tone_input>("input add T tone 1000 -6").dbfs == -6.0);
  CHECK(parse_as<cmd::remove_input>("input remove DJ1").name == "DJ1");
}

TEST_CASE("input add NAME file PATH [loop]") {
  auto once = parse_as<cmd::add_file_input>("input add F file /srv/jingle.flac");
  CHECK(once.path == "/srv/jingle.flac");
  CHECK_FALSE(once.loop);
  auto looped = parse_as<cmd::add_file_input>("input add F file \"/srv/bed music.wav\" LOOP");
  CHECK(looped.path == "/srv/bed music.wav");
  CHECK(looped.loop);
}

TEST_CASE("play, devices and stop, which use the sound device") {
  CHECK(parse_as<cmd::play>("play PGM").device.empty());
  CHECK(parse_as<cmd::play>("play PGM \"USB Audio\"").device == "USB Audio");
  parse_as<cmd::devices>("devices");
  CHECK(parse_as<cmd::stop>("stop PGM").name == "PGM");
  CHECK(traits_of(parse("play PGM").value()).uses_device);
  CHECK_FALSE(traits_of(parse("record PGM a.wav").value()).uses_device);
  CHECK_FALSE(traits_of(parse("play PGM").value()).changes_scene);
}

TEST_CASE("mix commands") {
  CHECK(*parse_as<cmd::add_mix>("mix add MIX port 1700").port == 1700);
  CHECK(parse_as<cmd::remove_mix>("mix remove MIX").name == "MIX");
  CHECK(parse_as<cmd::switch_mix>("mix on MIX").on);
  CHECK_FALSE(parse_as<cmd::switch_mix>("mix off MIX").on);
}

TEST_CASE("route, unroute, gain, mute") {
  auto r = parse_as<cmd::route>("route MIX DJ1");
  CHECK(r.mix == "MIX");
  CHECK(r.source == "DJ1");
  CHECK(r.gain_db == 0.0);
  CHECK(parse_as<cmd::route>("route MIX DJ1 -6.5").gain_db == -6.5);
  CHECK(parse_as<cmd::unroute>("unroute MIX DJ1").source == "DJ1");
  auto crosspoint = parse_as<cmd::gain>("gain MIX DJ1 -inf");
  CHECK(*crosspoint.source == "DJ1");
  CHECK(std::isinf(crosspoint.db));
  auto master = parse_as<cmd::gain>("gain MIX 3");
  CHECK_FALSE(master.source);
  CHECK(master.db == 3.0);
  CHECK(parse_as<cmd::mute>("mute MIX DJ1").muted);
  CHECK_FALSE(parse_as<cmd::mute>("unmute MIX DJ1").muted);
}

TEST_CASE("mix add NAME minus MIX SOURCE [port PORT]: a mix-minus, not allowed in a salvo") {
  auto plain = parse_as<cmd::add_mix>("mix add CALLER1");
  CHECK_FALSE(plain.minus);
  auto minus = parse_as<cmd::add_mix>("MIX ADD C1_FEED MINUS MAIN C1");
  REQUIRE(minus.minus);
  CHECK(minus.name == "C1_FEED");
  CHECK(minus.minus->mix == "MAIN");
  CHECK(minus.minus->source == "C1");
  CHECK_FALSE(minus.port);
  auto ported = parse_as<cmd::add_mix>("mix add C1_FEED minus MAIN C1 port 7720");
  CHECK(*ported.port == 7720);
  CHECK(ported.minus->source == "C1");
  CHECK(parse_as<cmd::add_mix>("mix add F port 7720 minus MAIN C1").minus->mix == "MAIN");
  CHECK(traits_of(parse("mix add F minus MAIN C1").value()).changes_scene);
  CHECK_FALSE(traits_of(parse("mix add F minus MAIN C1").value()).in_salvo);
}

TEST_CASE("format FORMAT RATE CHANNELS on a raw port of an input or a mix") {
  const stream_format f32_mono{sample_format::f32le, 44100, 1};
  auto input = parse_as<cmd::add_network_input>("input add IN port 1701 format f32le 44100 1");
  CHECK(*input.port == 1701);
  CHECK(input.format == f32_mono);
  auto any_order = parse_as<cmd::add_network_input>("input add IN FORMAT S24LE 48000 2 latency 40 port 1701");
  CHECK(any_order.format == stream_format{sample_format::s24le, 48000, 2});
  CHECK(*any_order.latency_ms == 40);
  CHECK_FALSE(parse_as<cmd::add_network_input>("input add IN port 1701").format);
  auto mix = parse_as<cmd::add_mix>("mix add M port 1700 format s32le 44100 1");
  CHECK(mix.format == stream_format{sample_format::s32le, 44100, 1});
  auto minus = parse_as<cmd::add_mix>("mix add F format f32le 44100 1 minus MAIN C1 port 7720");
  CHECK(minus.format == f32_mono);
  CHECK(minus.minus->source == "C1");
  CHECK(*minus.port == 7720);
  // What the stream format refuses, the command refuses with the same text.
  auto bad = parse("input add IN port 1701 format s8 44100 2");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().text == "unsupported format s8 (expected s16le, s24le, s32le or f32le)");
  CHECK(parse("mix add M port 1700 format s16le 44100 3").error().text == "unsupported channels 3 (expected 1 or 2)");
}

TEST_CASE("pan MIX SOURCE POS, from -100 to 100") {
  auto p = parse_as<cmd::pan>("pan MIX DJ1 -50");
  CHECK(p.mix == "MIX");
  CHECK(p.source == "DJ1");
  CHECK(p.position == -50.0);
  CHECK(parse_as<cmd::pan>("PAN MIX DJ1 +100").position == 100.0);
  CHECK(parse_as<cmd::pan>("pan MIX DJ1 12.5").position == 12.5);
  CHECK(traits_of(parse("pan M A 10").value()).in_salvo);
}

TEST_CASE("duck MIX SOURCE [DB] [threshold DBFS] [attack MS] [release MS], defaults -15, -40, 20, 500") {
  auto d = parse_as<cmd::duck>("duck MUSIC VOICE");
  CHECK(d.mix == "MUSIC");
  CHECK(d.source == "VOICE");
  CHECK(d.db == -15.0);
  CHECK(d.threshold_dbfs == -40.0);
  CHECK(d.attack_ms == 20);
  CHECK(d.release_ms == 500);
  auto all = parse_as<cmd::duck>("duck MUSIC VOICE -20 threshold -35.5 attack 5 release 1200");
  CHECK(all.db == -20.0);
  CHECK(all.threshold_dbfs == -35.5);
  CHECK(all.attack_ms == 5);
  CHECK(all.release_ms == 1200);
  auto some = parse_as<cmd::duck>("DUCK MUSIC VOICE RELEASE 300 threshold -50");
  CHECK(some.db == -15.0);
  CHECK(some.release_ms == 300);
  CHECK(some.threshold_dbfs == -50.0);
  CHECK(parse_as<cmd::unduck>("unduck MUSIC VOICE").source == "VOICE");
  CHECK(traits_of(parse("duck M A").value()).in_salvo);
  CHECK(traits_of(parse("unduck M A").value()).in_salvo);
}

TEST_CASE("Kamaelia SWITCH and QUERY") {
  using action = cmd::kamaelia_switch::action;
  auto off = parse_as<cmd::kamaelia_switch>("SWITCH MIX DJ2 OFF");
  CHECK(*off.source == "DJ2");
  CHECK(off.what == action::off);
  auto all = parse_as<cmd::kamaelia_switch>("switch MIX ALL only");
  CHECK_FALSE(all.source);
  CHECK(all.what == action::only);
  CHECK(*parse_as<cmd::kamaelia_query>("QUERY MIX DJ1").source == "DJ1");
  CHECK_FALSE(parse_as<cmd::kamaelia_query>("QUERY MIX ALL").source);
}

TEST_CASE("meters and salvo commands") {
  CHECK(parse_as<cmd::meters>("meters").names.empty());
  CHECK(parse_as<cmd::meters>("METERS a b").names == std::vector<std::string>{"a", "b"});
  parse_as<cmd::begin_salvo>("begin");
  parse_as<cmd::commit_salvo>("COMMIT");
  parse_as<cmd::abort_salvo>("abort");
  CHECK(traits_of(parse("route M A").value()).in_salvo);
  CHECK(traits_of(parse("SWITCH M A ON").value()).in_salvo);
  CHECK_FALSE(traits_of(parse("input add A").value()).in_salvo);
  CHECK_FALSE(traits_of(parse("mix remove M").value()).in_salvo);
}

TEST_CASE("help takes an optional topic") {
  CHECK(parse_as<cmd::help>("help").topic.empty());
  CHECK(parse_as<cmd::help>("help input add").topic == "input add");
}

TEST_CASE("every syntax error is 400 with a usage text") {
  for (const char* line :
       {"frobnicate", "list extra", "show", "show a b", "input", "input add", "input add bad/name", "input add A port",
        "input add A port 0", "input add A port 70000", "input add A latency 0", "input add A tone",
        "input add A tone 0", "input add A tone 440 3", "input add A tone 440 -6 x", "input remove",
        "mix", "mix add", "mix add A port", "mix add A bogus 1", "mix on", "mix off A B", "route MIX",
        "route MIX A 25", "route MIX A nan", "route MIX A -6 x", "unroute MIX", "gain MIX", "gain MIX A",
        "gain MIX A B C", "gain MIX inf", "mute MIX", "unmute MIX A B", "SWITCH MIX DJ1", "SWITCH MIX DJ1 MAYBE",
        "QUERY MIX", "ping now", "quit now", "help a b c", "meters bad/name", "begin now", "commit x",
        "abort 1", "input add F file", "input add F file a.wav twice", "input add F file a.wav loop x",
        "play", "play A dev extra", "devices now", "mix add A minus", "mix add A minus M",
        "mix add A minus M bad/name", "mix add A minus M S port", "mix add A minus M S minus M T",
        "mix add A port 1 port 2", "pan", "pan M A", "pan M A 101", "pan M A -100.5", "pan M A left",
        "pan M A 5 6", "duck M", "duck M A 3", "duck M A -101", "duck M A threshold", "duck M A threshold 1",
        "duck M A attack -1", "duck M A attack 10001", "duck M A release 60001", "duck M A -10 -20",
        "duck M A sustain 5", "unduck M", "unduck M A B", "input add A format s16le 44100 2",
        "input add A port 1 format s16le 44100", "input add A port 1 format", "mix add M format s16le 44100 2",
        "mix add M port 1 format s16le 44100 2 format s16le 44100 2", "mix add M port 1 format f32le",
        "input add A port 1 format s16le 100 2", "mix add M minus A B format s16le 44100 2"}) {
    check_bad(line);
  }
}

TEST_CASE("unknown commands say so") {
  auto c = parse("frobnicate");
  REQUIRE_FALSE(c);
  CHECK(c.error().text.find("unknown command") != std::string::npos);
}

TEST_CASE("the command table tells queries from changes") {
  CHECK_FALSE(traits_of(parse("list").value()).changes_scene);
  CHECK_FALSE(traits_of(parse("QUERY M ALL").value()).changes_scene);
  CHECK(traits_of(parse("route M A").value()).changes_scene);
  CHECK(traits_of(parse("SWITCH M A ON").value()).changes_scene);
}

TEST_CASE("errors a person reads: a gain past the top, a number out of its range") {
  CHECK(parse("gain main DJ1 30").error().text == "gain must be -inf or at most +24 dB, not 30");
  CHECK(parse("route main DJ1 +25").error().text == "gain must be -inf or at most +24 dB, not +25");
  CHECK(parse("pan main DJ1 300").error().text == "bad pan position: 300 (from -100 to 100)");
}

TEST_CASE("path_words: the words of a command line that name a file, from the command table") {
  const auto paths = [](const std::string& line) { return path_words(split_words(line).value()); };
  using places = std::vector<std::size_t>;
  CHECK(paths("input add bed file music.flac loop") == places{4});
  CHECK(paths("INPUT ADD bed FILE music.flac") == places{4});
  CHECK(paths("record main show.flac") == places{2});
  CHECK(paths("save scene.mix") == places{1});
  CHECK(paths("save") == places{});
  CHECK(paths("load scene.mix") == places{1});
  CHECK(paths("input add bed tone 440") == places{});
  CHECK(paths("input add bed") == places{});
  CHECK(paths("route main record") == places{});
}
