#include "protocol/command_parser.hpp"

#include <cstddef>
#include <string_view>

#include "protocol/values.hpp"

namespace mixmatrix::protocol {
namespace {

failure syntax(std::string_view usage) { return failure{code::bad_request, "usage: " + std::string(usage)}; }

// The words after the command word(s), read left to right.
class cursor {
 public:
  cursor(const std::vector<std::string>& words, std::size_t first) : words_(words), at_(first) {}

  bool done() const { return at_ >= words_.size(); }
  std::size_t left() const { return done() ? 0 : words_.size() - at_; }
  const std::string& take() { return words_[at_++]; }
  const std::string& next() const { return words_[at_]; }
  bool take_keyword(std::string_view keyword) {
    if (done() || !equals_ignoring_case(words_[at_], keyword)) return false;
    ++at_;
    return true;
  }

 private:
  const std::vector<std::string>& words_;
  std::size_t at_;
};

result<command> parse_add_input(cursor& c) {
  constexpr std::string_view usage =
      "input add NAME [port PORT] [latency MS] | input add NAME tone HZ [DBFS] | input add NAME file PATH [loop]";
  if (c.done()) return syntax(usage);
  auto name = parse_name(c.take());
  if (!name) return name.error();
  if (c.take_keyword("file")) {
    if (c.left() < 1 || c.left() > 2) return syntax(usage);
    cmd::add_file_input file{name.value(), c.take(), false};
    if (file.path.empty()) return syntax(usage);
    if (!c.done() && !(file.loop = c.take_keyword("loop"))) return syntax(usage);
    return file;
  }
  if (c.take_keyword("tone")) {
    if (c.done() || c.left() > 2) return syntax(usage);
    auto hz = parse_number(c.take(), 1.0, 96000.0, "frequency (Hz)");
    if (!hz) return hz.error();
    cmd::add_tone_input tone{name.value(), hz.value(), -12.0};
    if (!c.done()) {
      auto level = parse_number(c.take(), -200.0, 0.0, "level (dBFS)");
      if (!level) return level.error();
      tone.dbfs = level.value();
    }
    return tone;
  }
  cmd::add_network_input input{name.value(), std::nullopt, std::nullopt};
  while (!c.done()) {
    if (c.take_keyword("port") && !c.done()) {
      auto port = parse_port(c.take());
      if (!port) return port.error();
      input.port = port.value();
    } else if (c.take_keyword("latency") && !c.done()) {
      auto ms = parse_count(c.take(), 1, 10000, "latency (ms)");
      if (!ms) return ms.error();
      input.latency_ms = ms.value();
    } else {
      return syntax(usage);
    }
  }
  return input;
}

result<command> parse_input(cursor& c) {
  if (c.take_keyword("add")) return parse_add_input(c);
  if (c.take_keyword("remove") && c.left() == 1) {
    auto name = parse_name(c.take());
    if (!name) return name.error();
    return cmd::remove_input{name.value()};
  }
  return syntax("input add ... | input remove NAME");
}

// MIX SOURCE for route, unroute, mute, unmute, pan, duck, unduck and mix-minus.
result<std::pair<std::string, std::string>> parse_crosspoint(cursor& c) {
  auto mix = parse_name(c.take());
  if (!mix) return mix.error();
  auto source = parse_name(c.take());
  if (!source) return source.error();
  return std::pair{mix.value(), source.value()};
}

result<command> parse_mix(cursor& c) {
  constexpr std::string_view usage =
      "mix add NAME [port PORT] | mix add NAME minus MIX SOURCE [port PORT] | mix remove NAME | mix on NAME | "
      "mix off NAME";
  if (c.take_keyword("add")) {
    if (c.done()) return syntax(usage);
    auto name = parse_name(c.take());
    if (!name) return name.error();
    cmd::add_mix mix{name.value(), std::nullopt};
    while (!c.done()) {
      if (!mix.port && c.left() >= 2 && c.take_keyword("port")) {
        auto port = parse_port(c.take());
        if (!port) return port.error();
        mix.port = port.value();
      } else if (!mix.minus && c.left() >= 3 && c.take_keyword("minus")) {
        auto xp = parse_crosspoint(c);
        if (!xp) return xp.error();
        mix.minus = cmd::minus_of{xp.value().first, xp.value().second};
      } else {
        return syntax(usage);
      }
    }
    return mix;
  }
  for (std::string_view verb : {"remove", "on", "off"}) {
    if (!c.take_keyword(verb)) continue;
    if (c.left() != 1) return syntax(usage);
    auto name = parse_name(c.take());
    if (!name) return name.error();
    if (verb == "remove") return cmd::remove_mix{name.value()};
    return cmd::switch_mix{name.value(), verb == "on"};
  }
  return syntax(usage);
}

result<command> parse_route(cursor& c) {
  if (c.left() != 2 && c.left() != 3) return syntax("route MIX SOURCE [GAIN_DB]");
  auto xp = parse_crosspoint(c);
  if (!xp) return xp.error();
  cmd::route r{xp.value().first, xp.value().second, 0.0};
  if (!c.done()) {
    auto db = parse_gain_db(c.take());
    if (!db) return db.error();
    r.gain_db = db.value();
  }
  return r;
}

result<command> parse_gain(cursor& c) {
  if (c.left() != 2 && c.left() != 3) return syntax("gain MIX SOURCE DB | gain MIX DB");
  auto mix = parse_name(c.take());
  if (!mix) return mix.error();
  cmd::gain g{mix.value(), std::nullopt, 0.0};
  if (c.left() == 2) {
    auto source = parse_name(c.take());
    if (!source) return source.error();
    g.source = source.value();
  }
  auto db = parse_gain_db(c.take());
  if (!db) return db.error();
  g.db = db.value();
  return g;
}

result<command> parse_pan(cursor& c) {
  if (c.left() != 3) return syntax("pan MIX SOURCE POS");
  auto xp = parse_crosspoint(c);
  if (!xp) return xp.error();
  auto position = parse_number(c.take(), -100.0, 100.0, "pan position");
  if (!position) return position.error();
  return cmd::pan{xp.value().first, xp.value().second, position.value()};
}

result<command> parse_duck(cursor& c) {
  constexpr std::string_view usage = "duck MIX SOURCE [DB] [threshold DBFS] [attack MS] [release MS]";
  if (c.left() < 2) return syntax(usage);
  auto xp = parse_crosspoint(c);
  if (!xp) return xp.error();
  cmd::duck d{xp.value().first, xp.value().second};
  auto is_keyword = [](const std::string& w) {
    return equals_ignoring_case(w, "threshold") || equals_ignoring_case(w, "attack") || equals_ignoring_case(w, "release");
  };
  if (!c.done() && !is_keyword(c.next())) {
    auto db = parse_number(c.take(), -100.0, 0.0, "duck depth (dB)");
    if (!db) return db.error();
    d.db = db.value();
  }
  while (!c.done()) {
    if (c.left() < 2) return syntax(usage);
    if (c.take_keyword("threshold")) {
      auto level = parse_number(c.take(), -100.0, 0.0, "threshold (dBFS)");
      if (!level) return level.error();
      d.threshold_dbfs = level.value();
    } else if (c.take_keyword("attack")) {
      auto ms = parse_count(c.take(), 0, 10000, "attack (ms)");
      if (!ms) return ms.error();
      d.attack_ms = ms.value();
    } else if (c.take_keyword("release")) {
      auto ms = parse_count(c.take(), 0, 60000, "release (ms)");
      if (!ms) return ms.error();
      d.release_ms = ms.value();
    } else {
      return syntax(usage);
    }
  }
  return d;
}

// SOURCE or the keyword ALL (nullopt).
result<std::optional<std::string>> parse_source_or_all(const std::string& word) {
  if (equals_ignoring_case(word, "all")) return std::optional<std::string>{};
  auto name = parse_name(word);
  if (!name) return name.error();
  return std::optional<std::string>{name.value()};
}

result<command> parse_switch(cursor& c) {
  constexpr std::string_view usage = "SWITCH MIX SOURCE|ALL ON|OFF|ONLY";
  if (c.left() != 3) return syntax(usage);
  auto mix = parse_name(c.take());
  if (!mix) return mix.error();
  auto source = parse_source_or_all(c.take());
  if (!source) return source.error();
  using action = cmd::kamaelia_switch::action;
  if (c.take_keyword("on")) return cmd::kamaelia_switch{mix.value(), source.value(), action::on};
  if (c.take_keyword("off")) return cmd::kamaelia_switch{mix.value(), source.value(), action::off};
  if (c.take_keyword("only")) return cmd::kamaelia_switch{mix.value(), source.value(), action::only};
  return syntax(usage);
}

result<command> parse_query(cursor& c) {
  if (c.left() != 2) return syntax("QUERY MIX SOURCE|ALL");
  auto mix = parse_name(c.take());
  if (!mix) return mix.error();
  auto source = parse_source_or_all(c.take());
  if (!source) return source.error();
  return cmd::kamaelia_query{mix.value(), source.value()};
}

result<command> parse_show(cursor& c) {
  if (c.left() != 1) return syntax("show NAME");
  auto name = parse_name(c.take());
  if (!name) return name.error();
  return cmd::show{name.value()};
}

}  // namespace

result<command> parse_command(const std::vector<std::string>& words) {
  if (words.empty()) return failure{code::bad_request, "empty command"};
  cursor c(words, 1);
  const std::string& verb = words[0];
  auto is = [&](std::string_view w) { return equals_ignoring_case(verb, w); };
  if (is("help")) {
    if (c.left() > 2) return syntax("help [COMMAND]");
    std::string topic;
    while (!c.done()) topic += (topic.empty() ? "" : " ") + c.take();
    return cmd::help{topic};
  }
  if (is("list")) return c.done() ? result<command>(cmd::list{}) : syntax("list");
  if (is("show")) return parse_show(c);
  if (is("input")) return parse_input(c);
  if (is("mix")) return parse_mix(c);
  if (is("route")) return parse_route(c);
  if (is("unroute") || is("mute") || is("unmute") || is("unduck")) {
    if (c.left() != 2) return syntax(std::string(verb) + " MIX SOURCE");
    auto xp = parse_crosspoint(c);
    if (!xp) return xp.error();
    auto [mix, source] = xp.value();
    if (is("unroute")) return cmd::unroute{mix, source};
    if (is("unduck")) return cmd::unduck{mix, source};
    return cmd::mute{mix, source, is("mute")};
  }
  if (is("pan")) return parse_pan(c);
  if (is("duck")) return parse_duck(c);
  if (is("gain")) return parse_gain(c);
  if (is("switch")) return parse_switch(c);
  if (is("query")) return parse_query(c);
  if (is("meters")) {
    cmd::meters m;
    while (!c.done()) {
      auto name = parse_name(c.take());
      if (!name) return name.error();
      m.names.push_back(name.value());
    }
    return m;
  }
  if (is("record")) {
    if (c.left() != 2) return syntax("record MIX PATH");
    auto name = parse_name(c.take());
    if (!name) return name.error();
    const std::string path = c.take();
    if (path.empty()) return syntax("record MIX PATH");
    return cmd::record{name.value(), path};
  }
  if (is("play")) {
    if (c.left() != 1 && c.left() != 2) return syntax("play MIX [DEVICE]");
    auto name = parse_name(c.take());
    if (!name) return name.error();
    return cmd::play{name.value(), c.done() ? std::string{} : c.take()};
  }
  if (is("devices")) return c.done() ? result<command>(cmd::devices{}) : syntax("devices");
  if (is("stop")) {
    if (c.left() != 1) return syntax("stop MIX");
    auto name = parse_name(c.take());
    if (!name) return name.error();
    return cmd::stop{name.value()};
  }
  if (is("save")) {
    if (c.left() > 1) return syntax("save [PATH]");
    return cmd::save{c.done() ? std::string{} : c.take()};
  }
  if (is("load")) {
    if (c.left() != 1 || words[1].empty()) return syntax("load PATH");
    return cmd::load{c.take()};
  }
  if (is("begin")) return c.done() ? result<command>(cmd::begin_salvo{}) : syntax("begin");
  if (is("commit")) return c.done() ? result<command>(cmd::commit_salvo{}) : syntax("commit");
  if (is("abort")) return c.done() ? result<command>(cmd::abort_salvo{}) : syntax("abort");
  if (is("watch")) {
    if (c.done()) return cmd::watch{false};
    if (c.left() == 1 && c.take_keyword("meters")) return cmd::watch{true};
    return syntax("watch [meters]");
  }
  if (is("unwatch")) return c.done() ? result<command>(cmd::unwatch{}) : syntax("unwatch");
  if (is("stats")) return c.done() ? result<command>(cmd::stats{}) : syntax("stats");
  if (is("graph")) return c.done() ? result<command>(cmd::graph{}) : syntax("graph");
  if (is("auth")) {
    if (c.left() != 1) return syntax("auth PASSWORD");
    return cmd::auth{c.take()};
  }
  if (is("ping")) return c.done() ? result<command>(cmd::ping{}) : syntax("ping");
  if (is("quit")) return c.done() ? result<command>(cmd::quit{}) : syntax("quit");
  return failure{code::bad_request, "unknown command (type help)"};
}

}  // namespace mixmatrix::protocol
