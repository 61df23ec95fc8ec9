#include "protocol/channel_parser.hpp"

#include <array>
#include <string_view>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "protocol/host_port.hpp"
#include "protocol/stream_format.hpp"
#include "protocol/values.hpp"

namespace mixmatrix::protocol {
namespace {

// FORMAT RATE CHANNELS after the keyword `format`; at least three words left.
result<stream_format> take_format(word_cursor& c) {
  const std::string& format = c.take();
  const std::string& rate = c.take();
  return parse_stream_format(format, rate, c.take());
}

// A numeric `ADDR:PORT` after the keyword rtp.
result<host_port> take_rtp_address(word_cursor& c) {
  auto where = parse_host_port(c.take());
  std::array<unsigned char, sizeof(in6_addr)> numeric{};
  if (!where || !where->port || *where->port == 0 ||
      (inet_pton(AF_INET, where->host.c_str(), numeric.data()) != 1 &&
       inet_pton(AF_INET6, where->host.c_str(), numeric.data()) != 1)) {
    return failure{code::bad_request, "rtp needs a numeric ADDR:PORT (IPv4, or [IPv6]:PORT)"};
  }
  return std::move(*where);
}

// L16 or L24 after the keyword format.
result<rtp_encoding> take_rtp_encoding(word_cursor& c) {
  if (c.take_keyword("L16")) return rtp_encoding::l16;
  if (c.take_keyword("L24")) return rtp_encoding::l24;
  return failure{code::bad_request, "rtp format is L16 or L24"};
}

// `ADDR:PORT [format L16|L24 RATE CHANNELS]` after the keyword rtp of `input add`.
result<rtp_source> take_rtp_source(word_cursor& c) {
  auto where = take_rtp_address(c);
  if (!where) return where.error();
  rtp_source s{std::move(where.value().host), *where.value().port, std::nullopt};
  if (c.left() >= 4 && c.take_keyword("format")) {
    auto encoding = take_rtp_encoding(c);
    if (!encoding) return encoding.error();
    const std::string& rate = c.take();
    auto pcm = parse_stream_format("s16le", rate, c.take());
    if (!pcm) return pcm.error();
    s.format = rtp_payload_format{encoding.value(), pcm.value().rate, pcm.value().channels};
  }
  return s;
}

// `ADDR:PORT [format L16|L24] [ptime MS] [ttl N] [pt N]` after the keyword rtp.
result<rtp_target> take_rtp_target(word_cursor& c) {
  auto where = take_rtp_address(c);
  if (!where) return where.error();
  rtp_target t;
  t.address = std::move(where.value().host);
  t.port = *where.value().port;
  while (c.left() >= 2) {
    if (c.take_keyword("format")) {
      auto encoding = take_rtp_encoding(c);
      if (!encoding) return encoding.error();
      t.encoding = encoding.value();
    } else if (c.take_keyword("ptime")) {
      auto ms = parse_count(c.take(), 1, 20, "ptime (ms)");
      if (!ms) return ms.error();
      t.ptime_ms = ms.value();
    } else if (c.take_keyword("ttl")) {
      auto hops = parse_count(c.take(), 1, 255, "ttl");
      if (!hops) return hops.error();
      t.ttl = hops.value();
    } else if (c.take_keyword("pt")) {
      auto pt = parse_count(c.take(), 0, 127, "payload type");
      if (!pt) return pt.error();
      t.payload_type = static_cast<std::uint8_t>(pt.value());
    } else {
      break;
    }
  }
  return t;
}

// `MS` after the keyword latency.
result<std::uint32_t> take_latency(word_cursor& c) {
  return parse_count(c.take(), 1, 10000, "latency (ms)");
}

// `media OFFSET_MS` after the keyword playout.
result<std::uint32_t> take_playout(word_cursor& c) {
  if (!c.take_keyword("media")) return failure{code::bad_request, "playout is `playout media OFFSET_MS`"};
  return parse_count(c.take(), 0, 500, "playout offset (ms)");
}

result<command> parse_add_input(word_cursor& c) {
  constexpr std::string_view usage =
      "input add NAME [port PORT [format FORMAT RATE CHANNELS]] [latency MS] | input add NAME rtp ADDR:PORT "
      "[format L16|L24 RATE CHANNELS] [latency MS] [playout media OFFSET_MS] | input add NAME sdp PATH "
      "[latency MS] [playout media OFFSET_MS] | input add NAME sap SESSION [latency MS] [playout media "
      "OFFSET_MS] | input add NAME tone HZ [DBFS] | input add NAME file PATH [loop]";
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
  const bool sdp = c.take_keyword("sdp");
  if (sdp || c.take_keyword("sap")) {
    // A path or a session's name, then a latency and a playout, each optional.
    if (c.done()) return syntax(usage);
    const std::string described = c.take();
    if (described.empty()) return syntax(usage);
    std::optional<std::uint32_t> latency, playout;
    while (!c.done()) {
      if (!latency && c.left() >= 2 && c.take_keyword("latency")) {
        auto ms = take_latency(c);
        if (!ms) return ms.error();
        latency = ms.value();
      } else if (!playout && c.left() >= 3 && c.take_keyword("playout")) {
        auto ms = take_playout(c);
        if (!ms) return ms.error();
        playout = ms.value();
      } else {
        return syntax(usage);
      }
    }
    if (sdp) return cmd::add_sdp_input{name.value(), described, latency, playout};
    return cmd::add_sap_input{name.value(), described, latency, playout};
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
  cmd::add_network_input input{name.value(), std::nullopt, std::nullopt, std::nullopt};
  while (!c.done()) {
    if (!input.port && !input.rtp && c.left() >= 2 && c.take_keyword("rtp")) {
      auto source = take_rtp_source(c);
      if (!source) return source.error();
      input.rtp = std::move(source.value());
    } else if (!input.rtp && c.take_keyword("port") && !c.done()) {
      auto port = parse_port(c.take());
      if (!port) return port.error();
      input.port = port.value();
    } else if (c.left() >= 4 && c.take_keyword("format")) {
      auto format = take_format(c);
      if (!format) return format.error();
      input.format = format.value();
    } else if (c.take_keyword("latency") && !c.done()) {
      auto ms = take_latency(c);
      if (!ms) return ms.error();
      input.latency_ms = ms.value();
    } else if (!input.playout_ms && c.left() >= 3 && c.take_keyword("playout")) {
      auto ms = take_playout(c);
      if (!ms) return ms.error();
      input.playout_ms = ms.value();
    } else {
      return syntax(usage);
    }
  }
  // The format is the raw port's: a SEND states its own. Timestamps are RTP's.
  if ((input.format && !input.port) || (input.playout_ms && !input.rtp)) return syntax(usage);
  return input;
}

}  // namespace

result<command> parse_input(word_cursor& c) {
  if (c.take_keyword("add")) return parse_add_input(c);
  if (c.take_keyword("remove") && c.left() == 1) {
    auto name = parse_name(c.take());
    if (!name) return name.error();
    return cmd::remove_input{name.value()};
  }
  return syntax("input add ... | input remove NAME");
}

result<command> parse_mix(word_cursor& c) {
  constexpr std::string_view usage =
      "mix add NAME [port PORT [format FORMAT RATE CHANNELS]] [rtp ADDR:PORT [format L16|L24] [ptime MS] [ttl N] "
      "[pt N]] | mix add NAME minus MIX SOURCE [port ...] [rtp ...] | mix remove NAME | mix on NAME | mix off NAME";
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
      } else if (!mix.format && c.left() >= 4 && c.take_keyword("format")) {
        auto format = take_format(c);
        if (!format) return format.error();
        mix.format = format.value();
      } else if (!mix.rtp && c.left() >= 2 && c.take_keyword("rtp")) {
        auto target = take_rtp_target(c);
        if (!target) return target.error();
        mix.rtp = target.value();
      } else if (!mix.minus && c.left() >= 3 && c.take_keyword("minus")) {
        auto xp = take_crosspoint(c);
        if (!xp) return xp.error();
        mix.minus = cmd::minus_of{xp.value().first, xp.value().second};
      } else {
        return syntax(usage);
      }
    }
    if (mix.format && !mix.port) return syntax(usage);
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

}  // namespace mixmatrix::protocol
