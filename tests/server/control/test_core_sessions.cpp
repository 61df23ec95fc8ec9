// The command core and its clients: help, ping, quit, auth, watching events, scene-file clients,
// save and load, and the state file kept after every change.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "core_rig.hpp"
#include "protocol/command_parser.hpp"
#include "protocol/command_table.hpp"
#include "protocol/words.hpp"
#include "tests/support/child_process.hpp"

using mixmatrix::test::core_rig;
using mixmatrix::test::has_line;
using mixmatrix::test::reply_of;
using mixmatrix::test::with_password;
using mixmatrix::test::with_state_file;
using mixmatrix::test::with_state_file_at;
using strings = std::vector<std::string>;

TEST_CASE("core: help lists every line of the command table in order, as SYNTAX  -- WHAT") {
  core_rig rig;
  const auto lines = rig.lines_of("help");
  const auto table = mixmatrix::protocol::command_table();
  REQUIRE(lines.size() == table.size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    CHECK(lines[i] == std::string(table[i].syntax) + "  -- " + std::string(table[i].summary));
  }
  CHECK(lines.front() == "help [COMMAND]  -- the command list, or one command's syntax");
  CHECK(rig.connection.authenticated);
}

TEST_CASE("core: help TOPIC gives the lines whose syntax starts with it, in any case, none is 404") {
  core_rig rig;
  CHECK(rig.lines_of("help mix") ==
        strings{"mix add NAME [port PORT [format FORMAT RATE CHANNELS]]  -- a mix, on; with port, served raw "
                "to every connection on PORT (default format s16le RATE 2)",
                "mix add NAME minus MIX SOURCE [port PORT [format FORMAT RATE CHANNELS]]  -- a mix-minus: MIX's "
                "sum without SOURCE's "
                "crosspoint (a caller's feed), with its own master",
                "mix add NAME rtp ADDR:PORT [format L16|L24] [ptime MS] [ttl N] [pt N]  -- a mix, also sent as RTP "
                "to ADDR (unicast or multicast; default L16, PT 10 at 44.1 kHz stereo, else 96; ptime 5, or 1 for "
                "L24 at 48 kHz; ttl 1); may follow port or minus",
                "mix remove NAME  -- removes a mix, its routes, and disconnects its listeners",
                "mix on NAME  -- switches a mix on",
                "mix off NAME  -- switches a mix off: its listeners get digital silence"});
  const auto input_add = rig.lines_of("help input add");
  CHECK(input_add.size() == 6);  // network, RTP, SDP, SAP, tone, file
  for (const auto& line : input_add) CHECK(line.starts_with("input add NAME "));
  CHECK(rig.lines_of("help switch") ==
        strings{"SWITCH MIX SOURCE|ALL ON|OFF|ONLY  -- Kamaelia: unmute, mute or solo crosspoints"});
  CHECK(rig.reply("help nope") == "ERR 404 no command nope (type help)");
  CHECK(rig.reply("help mix sideways") == "ERR 404 no command mix sideways (type help)");
}

TEST_CASE("core: ping is OK pong, quit is OK bye and closes the connection") {
  core_rig rig;
  const auto ping = rig.run("ping");
  CHECK(reply_of(ping) == "OK pong");
  CHECK(ping.data.empty());
  CHECK_FALSE(ping.close);
  const auto quit = rig.run("quit");
  CHECK(reply_of(quit) == "OK bye");
  CHECK(quit.close);
}

TEST_CASE("core: without a password, auth answers that none is needed") {
  core_rig rig;
  CHECK(rig.reply("auth anything") == "OK no password needed");
  CHECK(rig.run("auth anything").delay == std::chrono::milliseconds(0));
}

TEST_CASE("core: with a password, every command but help, auth and quit is 401 before auth") {
  core_rig rig(with_password("secret"));
  CHECK_FALSE(rig.connection.authenticated);
  // One line per command, so that a command added later without a line here fails the count.
  const strings refused{"list",
                        "show M",
                        "input add A",
                        "input add T tone 440",
                        "input add F file /f.wav",
                        "input add S sdp /s.sdp",
                        "input add P sap Stage",
                        "input remove A",
                        "mix add M",
                        "mix remove M",
                        "mix on M",
                        "route M A",
                        "unroute M A",
                        "gain M -6",
                        "mute M A",
                        "pan M A 50",
                        "duck M A",
                        "unduck M A",
                        "SWITCH M ALL ON",
                        "QUERY M ALL",
                        "meters",
                        "record M /r.wav",
                        "play M",
                        "devices",
                        "stop M",
                        "save /tmp/x.mix",
                        "load /tmp/x.mix",
                        "begin",
                        "commit",
                        "abort",
                        "watch",
                        "unwatch",
                        "stats",
                        "graph",
                        "sdp M",
                        "sources",
                        "ping"};
  std::set<std::size_t> kinds;
  for (const auto& line : refused) {
    CAPTURE(line);
    CHECK(rig.reply(line) == "ERR 401 authentication required (auth PASSWORD)");
    kinds.insert(
        mixmatrix::protocol::parse_command(mixmatrix::protocol::split_words(line).value()).value().index());
  }
  CHECK(kinds.size() == std::variant_size_v<mixmatrix::protocol::command> - 3);
  CHECK(rig.audio.calls.empty());
  CHECK(rig.ports.opened.empty());
  CHECK_FALSE(rig.connection.salvo);
  CHECK(rig.lines_of("help ping") == strings{"ping  -- replies OK pong"});
  CHECK(rig.reply("quit") == "OK bye");
  CHECK(rig.reply("auth secret") == "OK authenticated");
  CHECK(rig.lines_of("list").empty());
}

TEST_CASE("core: a wrong password is 401 after a second and leaves the connection unauthenticated") {
  core_rig rig(with_password("secret"));
  const auto wrong = rig.run("auth guess");
  CHECK(reply_of(wrong) == "ERR 401 authentication failed");
  CHECK(wrong.delay == std::chrono::seconds(1));
  CHECK_FALSE(rig.connection.authenticated);
  CHECK(rig.reply("auth secretX") == "ERR 401 authentication failed");
  CHECK(rig.reply("list") == "ERR 401 authentication required (auth PASSWORD)");
  const auto right = rig.run("auth secret");
  CHECK(reply_of(right) == "OK authenticated");
  CHECK(right.delay == std::chrono::milliseconds(0));
  CHECK(rig.connection.authenticated);
  CHECK(rig.reply("mix add M") == "OK");
  auto other = rig.connect("127.0.0.1:6000", false);
  CHECK(reply_of(rig.run("list", other)) == "ERR 401 authentication required (auth PASSWORD)");
}

TEST_CASE("core: a scene-file client needs no auth, and may not begin, watch, unwatch or auth") {
  core_rig rig(with_password("secret"));
  auto script = rig.script_client();
  script.authenticated = false;
  CHECK(reply_of(rig.run("mix add M", script)) == "OK");
  const std::vector<std::pair<std::string, std::string>> refused{
      {"begin", "salvos need a control connection"},
      {"commit", "salvos need a control connection"},
      {"abort", "salvos need a control connection"},
      {"watch", "watch belongs to a control connection"},
      {"watch meters", "watch belongs to a control connection"},
      {"unwatch", "unwatch belongs to a control connection"},
      {"auth secret", "auth belongs to a control connection"}};
  for (const auto& [command, text] : refused) {
    const std::string line = command;  // clang 14 cannot capture a structured binding
    CAPTURE(line);
    CHECK(reply_of(rig.run(line, script)) == "ERR 400 " + text);
  }
  CHECK_FALSE(script.salvo);
  CHECK_FALSE(script.authenticated);
}

TEST_CASE("core: a scene-file client's changes are neither announced nor saved on their own") {
  core_rig rig(with_state_file());
  const auto sink = rig.sink_for(rig.connection);
  rig.run("watch");
  auto script = rig.script_client();
  CHECK(reply_of(rig.run("mix add M", script)) == "OK");
  rig.drain();
  CHECK(sink->events.empty());
  CHECK(rig.state().empty());
}

TEST_CASE(
    "core: watchers get `changed LINE (by ORIGIN)` for each change by any client, none for queries or "
    "failures") {
  core_rig rig;
  const auto sink = rig.sink_for(rig.connection);
  CHECK(rig.reply("watch") == "OK watching");
  rig.run("mix add M");
  for (const char* query :
       {"list", "ping", "show M", "QUERY M ALL", "meters", "stats", "help", "record M /r.wav"}) {
    CHECK(rig.run(query).ok());
  }
  CHECK_FALSE(rig.run("route M X").ok());
  CHECK_FALSE(rig.run("save").ok());
  auto other = rig.connect("10.0.0.2:4000");
  rig.run("input add A tone 440", other);
  rig.run("route  M A -3", other);
  CHECK_FALSE(rig.run("mix remove X", other).ok());
  rig.audio.later = true;
  rig.run("input add F file /f.wav");
  rig.audio.refusal =
      mixmatrix::protocol::failure{mixmatrix::protocol::code::bad_request, "cannot read /g.wav"};
  CHECK_FALSE(rig.run("input add G file /g.wav").ok());
  CHECK(sink->events == strings{"changed mix add M (by 127.0.0.1:5000)",
                                "changed input add A tone 440 (by 10.0.0.2:4000)",
                                "changed route  M A -3 (by 10.0.0.2:4000)",
                                "changed input add F file /f.wav (by 127.0.0.1:5000)"});
  CHECK(sink->meters.empty());
}

TEST_CASE("core: unwatch stops one watcher's events, the others keep theirs") {
  core_rig rig;
  const auto mine = rig.sink_for(rig.connection);
  auto other = rig.connect("10.0.0.2:4000");
  const auto theirs = rig.sink_for(other);
  rig.run("watch");
  rig.run("watch", other);
  rig.run("mix add M");
  CHECK(rig.reply("unwatch") == "OK");
  rig.run("mix add N");
  CHECK(mine->events == strings{"changed mix add M (by 127.0.0.1:5000)"});
  CHECK(theirs->events ==
        strings{"changed mix add M (by 127.0.0.1:5000)", "changed mix add N (by 127.0.0.1:5000)"});
  CHECK(rig.reply("unwatch") == "OK");
}

TEST_CASE("core: a watcher that has gone away is skipped") {
  core_rig rig;
  auto sink = rig.sink_for(rig.connection);
  rig.run("watch meters");
  sink.reset();
  CHECK(rig.reply("mix add M") == "OK");
  rig.core.housekeep();
  CHECK_FALSE(rig.events.meters_wanted());
}

TEST_CASE("core: watch meters gets every channel's meters at housekeeping, plain watch does not") {
  core_rig rig;
  rig.run("input add T tone 1000 -6.0206");
  rig.run("mix add M");
  const auto metered = rig.sink_for(rig.connection);
  auto other = rig.connect("10.0.0.2:4000");
  const auto plain = rig.sink_for(other);
  CHECK(rig.reply("watch meters") == "OK watching, with meters");
  CHECK(reply_of(rig.run("watch", other)) == "OK watching");
  rig.process(20);
  rig.core.housekeep();
  REQUIRE(metered->meters.size() == 1);
  const auto& readings = metered->meters[0];
  REQUIRE(readings.size() == 2);
  CHECK(readings[0].name == "M");
  CHECK(readings[1].name == "T");
  CHECK(readings[1].peak_db[0] == doctest::Approx(-6.02).epsilon(0.01));
  CHECK(plain->meters.empty());
  rig.run("watch");  // again without meters: they stop
  rig.core.housekeep();
  CHECK(metered->meters.size() == 1);
  CHECK_FALSE(rig.events.meters_wanted());
}

TEST_CASE("core: a committed salvo announces each change, by its origin with salvo, queued ones are not") {
  core_rig rig;
  const auto sink = rig.sink_for(rig.connection);
  rig.run("mix add M");
  rig.run("input add A");
  rig.run("watch");
  rig.run("begin");
  rig.run("route M A");
  rig.run("gain M A -6");
  CHECK(sink->events.empty());
  CHECK(rig.reply("commit") == "OK committed 2");
  CHECK(sink->events == strings{"changed route M A (by 127.0.0.1:5000, salvo)",
                                "changed gain M A -6 (by 127.0.0.1:5000, salvo)"});
  rig.run("begin");
  rig.run("mute M A");
  auto other = rig.connect("10.0.0.2:4000");
  rig.run("input remove A", other);
  CHECK_FALSE(rig.run("commit").ok());
  CHECK(sink->events.size() == 3);
  CHECK(sink->events.back() == "changed input remove A (by 10.0.0.2:4000)");
}

TEST_CASE("core: save without a path and without a state file is 400") {
  core_rig rig;
  CHECK(rig.reply("save") == "ERR 400 no PATH given and no --state file");
}

TEST_CASE("core: save PATH writes the scene as the commands that rebuild it") {
  core_rig rig;
  rig.run("input add N port 9001 latency 50");
  rig.run("input add A tone 440");
  rig.run("input add F file /f.wav loop");
  rig.run("mix add M port 9002");
  rig.run("route M A -6");
  rig.run("route M N");
  rig.run("mute M N");
  rig.run("gain M 3");
  rig.run("mix off M");
  const std::string path = rig.dir + "/saved.mix";
  CHECK(rig.reply("save " + path) == "OK saved to " + path);
  CHECK(mixmatrix::test::read_file(path) == "# mixmatrix scene, written by mixmatrixd " MIXMATRIX_VERSION
                                            "\n"
                                            "input add A tone 440 -12\n"
                                            "input add F file /f.wav loop\n"
                                            "mix add M port 9002\n"
                                            "input add N port 9001 latency 50\n"
                                            "route M A -6.00\n"
                                            "route M N 0.00\n"
                                            "mute M N\n"
                                            "gain M 3.00\n"
                                            "mix off M\n");
}

TEST_CASE("core: save to a path that cannot be written is 500 with the reason") {
  core_rig rig;
  const std::string path = rig.dir + "/missing/saved.mix";
  const auto r = rig.run("save " + path);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error->code == mixmatrix::protocol::code::internal);
  CHECK(r.error->text.starts_with("cannot create " + path + ".tmp."));
}

TEST_CASE("core: save without a path rewrites the state file") {
  core_rig rig(with_state_file());
  rig.run("mix add M");
  std::ofstream(*rig.options.state_file, std::ios::trunc) << "stale\n";
  CHECK(rig.reply("save").starts_with("OK saved to /"));
  CHECK(rig.state() == rig.core.scene());
}

TEST_CASE("core: load runs a file's commands in order, skipping blanks and comments, waiting for slow ones") {
  core_rig rig;
  rig.audio.later = true;
  const auto path = rig.write_file("scene.mix",
                                   "# a scene\n"
                                   "\n"
                                   "input add A tone 440\n"
                                   "   \n"
                                   "  # indented comment\n"
                                   "mix add M\n"
                                   "input add F file /f.wav\n"
                                   "route M F -3\n"
                                   "route M A -6");
  CHECK(rig.reply("load " + path) == "OK");
  CHECK(rig.lines_of("show M") == strings{"mix M state=on gain=0.00 listeners=0 frames=0 clips=0 drops=0",
                                          "route F gain=-3.00 muted=no", "route A gain=-6.00 muted=no"});
}

TEST_CASE("core: a failing line stops load, which answers PATH:N: LINE: TEXT, the lines before stay") {
  core_rig rig;
  const auto path = rig.write_file("bad.mix",
                                   "input add A tone 440\n"
                                   "mix add M\n"
                                   "\n"
                                   "route M X\n"
                                   "mix add N\n");
  CHECK(rig.reply("load " + path) == "ERR 404 " + path + ":4: route M X: no such channel X");
  CHECK(rig.lines_of("list").size() == 2);
  CHECK(rig.reply("show N") == "ERR 404 no such channel N");
  const auto garbled = rig.write_file("garbled.mix", "mix add P\nfrobnicate now\n");
  CHECK(rig.reply("load " + garbled) ==
        "ERR 400 " + garbled + ":2: frobnicate now: unknown command (type help)");
}

TEST_CASE("core: load of a missing file is 404") {
  core_rig rig;
  const std::string path = rig.dir + "/none.mix";
  CHECK(rig.reply("load " + path) == "ERR 404 cannot read " + path);
}

TEST_CASE("core: a file that loads itself stops, nested too deeply, with 400") {
  core_rig rig;
  const std::string path = rig.dir + "/self.mix";
  rig.write_file("self.mix", "load " + path + "\n");
  const auto r = rig.run("load " + path);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error->code == mixmatrix::protocol::code::bad_request);
  CHECK(r.error->text.starts_with(path + ":1: load " + path + ": " + path + ":1: load " + path + ": "));
  CHECK(r.error->text.ends_with(": load nested too deeply"));
}

TEST_CASE("core: load is announced once, as the load line, not line by line") {
  core_rig rig;
  const auto sink = rig.sink_for(rig.connection);
  rig.run("watch");
  const auto path = rig.write_file("scene.mix", "mix add M\nmix add N\n");
  rig.run("load " + path);
  CHECK(sink->events == strings{"changed load " + path + " (by 127.0.0.1:5000)"});
  const auto bad = rig.write_file("bad.mix", "mix add P\nroute P X\n");
  rig.run("load " + bad);
  CHECK(sink->events.size() == 1);
}

TEST_CASE("core: what save writes, load rebuilds in a fresh core") {
  core_rig first;
  first.run("input add N port 9001 latency 50");
  first.run("input add A tone 440 -3");
  first.run("input add F file \"/music/a b.wav\" loop");
  first.run("mix add SUB");
  first.run("mix add M port 9002");
  first.run("route SUB A -6");
  first.run("route M SUB");
  first.run("route M N -inf");
  first.run("mute M N");
  first.run("gain M -1.5");
  first.run("mix off SUB");
  core_rig second;
  const std::string path = second.dir + "/scene.mix";
  REQUIRE(first.reply("save " + path) == "OK saved to " + path);
  CHECK(second.reply("load " + path) == "OK");
  CHECK(second.core.scene() == first.core.scene());
  CHECK(second.ports.ports == first.ports.ports);
}

TEST_CASE("core: with a state file, a change takes effect at once and its OK waits for the file to hold it") {
  core_rig rig(with_state_file());
  const auto a = rig.start("mix add M");
  CHECK(a->applied);
  CHECK_FALSE(a->result);
  CHECK(rig.lines_of("list") == strings{"mix M state=on sources=0 listeners=0"});
  CHECK_FALSE(a->result);
  CHECK(reply_of(rig.wait(a)) == "OK");
  CHECK(has_line(a->state_when_answered, "mix add M"));
  rig.audio.later = true;
  const auto file = rig.start("input add F file /f.wav");
  CHECK(reply_of(rig.wait(file)) == "OK playing /f.wav");
  CHECK(has_line(file->state_when_answered, "input add F file /f.wav"));
}

TEST_CASE("core: changes that come while the state file is written are saved together in the next write") {
  core_rig rig(with_state_file());
  const auto a = rig.start("mix add A");
  const auto b = rig.start("mix add B");
  const auto c = rig.start("mix add C");
  CHECK(c->applied);
  CHECK_FALSE(a->result);
  CHECK_FALSE(b->result);
  CHECK_FALSE(c->result);
  rig.wait(c);
  REQUIRE(a->result);
  REQUIRE(b->result);
  CHECK(has_line(a->state_when_answered, "mix add A"));
  CHECK_FALSE(has_line(a->state_when_answered, "mix add B"));
  // B's write already held C: one write for both.
  CHECK(has_line(b->state_when_answered, "mix add C"));
  CHECK(b->state_when_answered == c->state_when_answered);
  CHECK(rig.state() == rig.core.scene());
}

TEST_CASE("core: a change the state file cannot take is OK not saved: REASON") {
  core_rig rig(with_state_file_at("/dev/null/state.mix"));
  const auto r = rig.run("mix add M");
  CHECK(r.ok());
  CHECK(r.status.starts_with("not saved: cannot create /dev/null/state.mix.tmp."));
  CHECK(rig.reply("route M X") == "ERR 404 no such channel X");
  CHECK(rig.reply("ping") == "OK pong");
  CHECK(rig.lines_of("list").size() == 1);
}

TEST_CASE("core: queries and failed changes leave the state file alone") {
  core_rig rig(with_state_file());
  rig.run("mix add M");
  std::ofstream(*rig.options.state_file, std::ios::trunc) << "untouched\n";
  for (const char* line : {"list", "show M", "route M X", "mix add M", "QUERY M ALL", "stats", "ping"})
    rig.run(line);
  rig.drain();
  CHECK(rig.state() == "untouched\n");
}

TEST_CASE("core: a failed load still saves the lines it applied") {
  core_rig rig(with_state_file());
  const auto path = rig.write_file("bad.mix", "mix add M\nroute M X\n");
  const auto a = rig.start("load " + path);
  CHECK_FALSE(rig.wait(a).ok());
  CHECK(has_line(a->state_when_answered, "mix add M"));
}

TEST_CASE("core: a committed salvo is in the state file once its OK has arrived") {
  core_rig rig(with_state_file());
  rig.run("mix add M");
  rig.run("input add A");
  rig.run("begin");
  rig.run("route M A -6");
  const auto commit = rig.start("commit");
  CHECK(reply_of(rig.wait(commit)) == "OK committed 1");
  CHECK(has_line(commit->state_when_answered, "route M A -6.00"));
}
