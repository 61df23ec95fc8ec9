#include "protocol/command_parser.hpp"

#include <cstddef>
#include <string_view>

#include "protocol/channel_parser.hpp"
#include "protocol/values.hpp"
#include "protocol/word_cursor.hpp"

namespace mixmatrix::protocol {
namespace {

result<command> parse_route(word_cursor& c) {
  if (c.left() != 2 && c.left() != 3) return syntax("route MIX SOURCE [GAIN_DB]");
  auto xp = take_crosspoint(c);
  if (!xp) return xp.error();
  cmd::route r{xp.value().first, xp.value().second, 0.0};
  if (!c.done()) {
    auto db = parse_gain_db(c.take());
    if (!db) return db.error();
    r.gain_db = db.value();
  }
  return r;
}

result<command> parse_gain(word_cursor& c) {
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

result<command> parse_pan(word_cursor& c) {
  if (c.left() != 3) return syntax("pan MIX SOURCE POS");
  auto xp = take_crosspoint(c);
  if (!xp) return xp.error();
  auto position = parse_number(c.take(), -100.0, 100.0, "pan position");
  if (!position) return position.error();
  return cmd::pan{xp.value().first, xp.value().second, position.value()};
}

result<command> parse_duck(word_cursor& c) {
  constexpr std::string_view usage = "duck MIX SOURCE [DB] [threshold DBFS] [attack MS] [release MS]";
  if (c.left() < 2) return syntax(usage);
  auto xp = take_crosspoint(c);
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

result<command> parse_switch(word_cursor& c) {
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

result<command> parse_query(word_cursor& c) {
  if (c.left() != 2) return syntax("QUERY MIX SOURCE|ALL");
  auto mix = parse_name(c.take());
  if (!mix) return mix.error();
  auto source = parse_source_or_all(c.take());
  if (!source) return source.error();
  return cmd::kamaelia_query{mix.value(), source.value()};
}

result<command> parse_show(word_cursor& c) {
  if (c.left() != 1) return syntax("show NAME");
  auto name = parse_name(c.take());
  if (!name) return name.error();
  return cmd::show{name.value()};
}

}  // namespace

result<command> parse_command(const std::vector<std::string>& words) {
  if (words.empty()) return failure{code::bad_request, "empty command"};
  word_cursor c(words, 1);
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
    auto xp = take_crosspoint(c);
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
  if (is("sources")) return c.done() ? result<command>(cmd::sources{}) : syntax("sources");
  if (is("stats")) return c.done() ? result<command>(cmd::stats{}) : syntax("stats");
  if (is("graph")) return c.done() ? result<command>(cmd::graph{}) : syntax("graph");
  if (is("sdp")) {
    if (c.left() != 1) return syntax("sdp MIX");
    auto name = parse_name(c.take());
    if (!name) return name.error();
    return cmd::sdp{name.value()};
  }
  if (is("auth")) {
    if (c.left() != 1) return syntax("auth PASSWORD");
    return cmd::auth{c.take()};
  }
  if (is("ping")) return c.done() ? result<command>(cmd::ping{}) : syntax("ping");
  if (is("quit")) return c.done() ? result<command>(cmd::quit{}) : syntax("quit");
  return failure{code::bad_request, "unknown command (type help)"};
}

}  // namespace mixmatrix::protocol
